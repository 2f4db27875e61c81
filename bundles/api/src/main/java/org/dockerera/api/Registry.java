package org.dockerera.api;

import java.time.Instant;

/** A stored registry login as the API shows it: never with its password. */
public record Registry(String id, String server, String username, Instant created) {
}
