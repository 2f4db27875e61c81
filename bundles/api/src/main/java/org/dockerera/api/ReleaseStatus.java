package org.dockerera.api;

import java.util.Locale;

/** Lifecycle of a release. */
public enum ReleaseStatus {
    /** recorded, not started */
    PENDING,
    /** its instances are being started */
    DEPLOYING,
    /** serving: the routers acknowledged the route table that sends traffic to it */
    ACTIVE,
    /** its instances did not become healthy; the previous release kept serving */
    FAILED,
    /** was active, replaced by a newer release */
    SUPERSEDED;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
