package org.dockerera.spi.store;

/** Receives a watch's changes, in revision order, one at a time. */
public interface ChangeListener {
    void onChange(Change change);

    /**
     * The history needed to resume is gone: re-list the watched prefix; changes continue after {@code revision}.
     * The default does nothing.
     */
    default void onResync(long revision) {
    }

    /** The backend failed; the watch keeps retrying. The default does nothing. */
    default void onError(Throwable error) {
    }
}
