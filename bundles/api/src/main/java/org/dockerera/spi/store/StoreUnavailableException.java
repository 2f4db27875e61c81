package org.dockerera.spi.store;

import org.dockerera.api.DockereraException;

/** The config store backend cannot be reached or failed; nothing was written. */
public class StoreUnavailableException extends DockereraException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String backend, String detail, Throwable cause) {
        super(Kind.UNAVAILABLE, "store-unavailable", "Config store unavailable",
                "the " + backend + " config store is unavailable: " + detail + "; nothing was changed, retry when it is back",
                cause);
    }

    /** For kinds of unavailability with their own problem type (e.g. {@link StoreMigratingException}). */
    protected StoreUnavailableException(String slug, String title, String detail) {
        super(Kind.UNAVAILABLE, slug, title, detail, null);
    }
}
