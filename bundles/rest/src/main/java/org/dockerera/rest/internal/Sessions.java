package org.dockerera.rest.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.dockerera.api.Token;
import org.dockerera.api.TokenScope;

/**
 * Browser sessions, in memory only: a random id (256 bits) in an HttpOnly cookie maps to the token it was opened
 * with. A session ends after {@code idleTimeout} without use, on logout, when its token is revoked, or when Karaf
 * restarts.
 */
final class Sessions {
    static final String COOKIE = "dockerera_session";

    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration idleTimeout;

    Sessions(Clock clock, Duration idleTimeout) {
        this.clock = clock;
        this.idleTimeout = idleTimeout;
    }

    Session open(Token token) {
        sweep();
        Instant now = clock.instant();
        Session s = new Session(randomId(), randomId(), token.id(), token.name(), token.scope(), now);
        byId.put(s.id(), s);
        return s;
    }

    /** The live session with that id, marked as used now; expired ones are dropped. */
    Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Session s = byId.get(id);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(s, now)) {
            byId.remove(id, s);
            return Optional.empty();
        }
        s.lastUsed = now;
        return Optional.of(s);
    }

    void close(String id) {
        if (id != null) {
            byId.remove(id);
        }
    }

    /** Ends every session opened with token {@code tokenId}. */
    void closeAllOf(String tokenId) {
        byId.values().removeIf(s -> s.tokenId().equals(tokenId));
    }

    int size() {
        return byId.size();
    }

    Instant now() {
        return clock.instant();
    }

    private void sweep() {
        Instant now = clock.instant();
        byId.values().removeIf(s -> expired(s, now));
    }

    private boolean expired(Session s, Instant now) {
        return s.lastUsed.plus(idleTimeout).isBefore(now);
    }

    private String randomId() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** One browser session. */
    static final class Session {
        private final String id;
        private final String csrfToken;
        private final String tokenId;
        private final String tokenName;
        private final TokenScope scope;
        volatile Instant lastUsed;
        /** When the token was last confirmed not revoked. */
        volatile Instant lastVerified;

        Session(String id, String csrfToken, String tokenId, String tokenName, TokenScope scope, Instant now) {
            this.id = id;
            this.csrfToken = csrfToken;
            this.tokenId = tokenId;
            this.tokenName = tokenName;
            this.scope = scope;
            this.lastUsed = now;
            this.lastVerified = now;
        }

        String id() {
            return id;
        }

        String csrfToken() {
            return csrfToken;
        }

        String tokenId() {
            return tokenId;
        }

        String tokenName() {
            return tokenName;
        }

        TokenScope scope() {
            return scope;
        }
    }
}
