package org.dockerera.controller.internal;

import java.time.Instant;
import org.dockerera.api.Token;
import org.dockerera.api.TokenScope;

/** A token as stored under {@code tokens/<id>}: the SHA-256 of its secret, never the secret. */
record TokenRecord(String id, String name, TokenScope scope, String hash, Instant created, Instant lastUsed) {
    Token toToken() {
        return new Token(id, name, scope, created, lastUsed);
    }

    TokenRecord usedAt(Instant when) {
        return new TokenRecord(id, name, scope, hash, created, when);
    }
}
