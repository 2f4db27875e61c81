package org.dockerera.api;

/**
 * Body of {@code POST /api/apps/{app}/deploys}.
 *
 * @param image     {@code registry/name:tag} or {@code registry/name@sha256:…}
 * @param instances optional new instance count
 */
public record DeployRequest(String image, Integer instances) {
    public DeployRequest {
        if (instances != null && instances < 0) {
            throw DockereraException.invalid("invalid-instances", "instances must be 0 or more, got " + instances);
        }
    }
}
