package org.dockerera.spi.store;

/** The change feed no longer holds the changes after the requested revision: re-list and resume from the newest. */
public class HistoryGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long requested;
    private final long oldestAvailable;
    private final long currentRevision;

    public HistoryGoneException(long requested, long oldestAvailable, long currentRevision) {
        super("changes after revision " + requested + " are gone (oldest retained: " + oldestAvailable
                + ", current: " + currentRevision + "); resync from a full listing");
        this.requested = requested;
        this.oldestAvailable = oldestAvailable;
        this.currentRevision = currentRevision;
    }

    public long requested() {
        return requested;
    }

    public long oldestAvailable() {
        return oldestAvailable;
    }

    public long currentRevision() {
        return currentRevision;
    }
}
