package org.dockerera.api;

import java.util.Locale;

/** {@code web} instances are routed by host name; {@code worker} instances are not. */
public enum ProcessType {
    WEB, WORKER;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
