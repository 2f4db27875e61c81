package org.dockerera.api;

import java.util.Locale;

/** Where a one-off run is. */
public enum RunStatus {
    /** its container runs */
    RUNNING,
    /** it exited (its exit code is known unless the host could not tell) */
    EXITED;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
