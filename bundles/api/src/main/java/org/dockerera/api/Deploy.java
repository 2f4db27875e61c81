package org.dockerera.api;

import java.time.Instant;

/**
 * A change to an app's running containers (deploy, env change, scale, restart, rollback), followed by id.
 *
 * @param id       opaque id
 * @param app      app name
 * @param kind     {@code deploy}, {@code env}, {@code scale}, {@code restart}, {@code rollback}
 * @param status   pending (queued behind another), running, succeeded, failed
 * @param release  the release it rolls out
 * @param message  progress or the reason it failed
 * @param created  when it was asked for
 * @param finished when it ended, or null
 */
public record Deploy(String id, String app, String kind, DeployStatus status, Integer release, String message,
                     Instant created, Instant finished) {
}
