package org.dockerera.api;

import java.util.Locale;

/** Live status of a host as seen by the host monitor. Rendered lower-case ({@code up}, {@code down}). */
public enum HostStatus {
    UP, DOWN;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
