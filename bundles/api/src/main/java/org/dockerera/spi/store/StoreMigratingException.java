package org.dockerera.spi.store;

/**
 * A write refused because the state is being copied to another backend ({@code store-migrating}, 503); nothing was
 * written. Retry after {@link #retryAfterSeconds()}: the migration takes seconds.
 */
public class StoreMigratingException extends StoreUnavailableException {
    private static final long serialVersionUID = 1L;

    public StoreMigratingException(String from, String to) {
        super("store-migrating", "Config store migrating", "the config store is being migrated from " + from + " to "
                + to + "; writes are paused for the copy (seconds): nothing was changed, retry shortly");
    }

    /** What a client should wait before retrying (REST's {@code Retry-After}). */
    public int retryAfterSeconds() {
        return 1;
    }
}
