package org.dockerera.api;

import java.util.Locale;

/** Lifecycle of a deploy (one change to an app's running containers). */
public enum DeployStatus {
    PENDING, RUNNING, SUCCEEDED, FAILED;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
