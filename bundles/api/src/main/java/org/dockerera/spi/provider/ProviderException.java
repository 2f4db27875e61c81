package org.dockerera.spi.provider;

import org.dockerera.api.DockereraException;

/** A host call failed: unreachable, timed out, or refused by the engine. */
public class ProviderException extends DockereraException {
    private static final long serialVersionUID = 1L;

    public ProviderException(Kind kind, String slug, String detail, Throwable cause) {
        super(kind, slug, kind == Kind.UNAVAILABLE ? "Host unavailable" : "Host call failed", detail, cause);
    }

    /** The host did not answer (refused, timed out, hung). */
    public static ProviderException unreachable(String url, String why, Throwable cause) {
        return new ProviderException(Kind.UNAVAILABLE, "host-unreachable",
                "host " + url + " did not answer (" + why + "); check the daemon is running and reachable", cause);
    }

    /** The engine answered with an error. */
    public static ProviderException refused(String url, String why, Throwable cause) {
        return new ProviderException(Kind.CONFLICT, "host-refused", "host " + url + " refused: " + why, cause);
    }

    /** The engine has no such container or image. */
    public static ProviderException notFound(String url, String what, Throwable cause) {
        return new ProviderException(Kind.NOT_FOUND, "not-found-on-host", what + " not found on host " + url, cause);
    }
}
