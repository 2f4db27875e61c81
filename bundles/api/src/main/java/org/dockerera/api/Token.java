package org.dockerera.api;

import java.time.Instant;

/** A token as listed: never its secret. */
public record Token(String id, String name, TokenScope scope, Instant created, Instant lastUsed) {
}
