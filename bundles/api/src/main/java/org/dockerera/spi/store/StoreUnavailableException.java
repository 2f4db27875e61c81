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
}
