package org.dockerera.controller.internal.reconcile;

import java.util.Objects;

/**
 * A container labelled as belonging to the app that no instance record knows (e.g. a host lost its records, or a
 * start was interrupted before it was recorded). It is removed once its host is up.
 *
 * @param hostId      the host it was found on
 * @param containerId the engine's container id
 * @param name        its name, for messages
 */
public record StrayContainer(String hostId, String containerId, String name) {
    public StrayContainer {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(containerId, "containerId");
    }
}
