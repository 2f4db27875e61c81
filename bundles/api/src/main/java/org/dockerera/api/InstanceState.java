package org.dockerera.api;

import java.util.Locale;

/** What an instance is doing, as observed. */
public enum InstanceState {
    /** created or started, not yet healthy */
    STARTING,
    /** passing its health check */
    HEALTHY,
    /** was healthy, now failing its health check */
    UNHEALTHY,
    /** out of routing, waiting out its drain timeout before SIGTERM */
    DRAINING,
    /** stopped or exited */
    STOPPED,
    /** its host is down: state unknown */
    LOST;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
