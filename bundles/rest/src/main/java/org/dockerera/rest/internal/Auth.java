package org.dockerera.rest.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;
import org.dockerera.api.Token;

/**
 * Authenticates a request by {@code Authorization: Bearer <token>} or by the session cookie, and enforces the CSRF
 * header on cookie-authenticated mutations.
 */
final class Auth {
    static final String CHALLENGE = "Bearer realm=\"dockerera\"";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<String> MUTATIONS = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final Services services;
    private final Sessions sessions;
    private final Duration recheck;

    Auth(Services services, Sessions sessions, Duration recheck) {
        this.services = services;
        this.sessions = sessions;
        this.recheck = recheck;
    }

    /**
     * Who sent the request. A bearer token wins over a cookie; cookie-authenticated mutations must carry a matching
     * {@value #CSRF_HEADER}.
     *
     * @throws ApiProblem 401 when neither authenticates, 403 {@code csrf-failed}
     */
    Principal authenticate(HttpServletRequest req) {
        String authorization = req.getHeader("Authorization");
        if (authorization != null) {
            return bearer(authorization);
        }
        String sessionId = sessionCookie(req);
        if (sessionId == null) {
            throw ApiProblem.unauthorized("authentication required: send 'Authorization: Bearer <token>' "
                    + "(create tokens with dockerera:token-create) or log in with POST /api/session");
        }
        Sessions.Session session = sessions.find(sessionId).orElseThrow(() -> ApiProblem
                .unauthorized("your session has expired or was closed; log in again with POST /api/session")
                .header("Set-Cookie", clearCookie(req)));
        verifyNotRevoked(session, req);
        if (MUTATIONS.contains(req.getMethod().toUpperCase(Locale.ROOT))) {
            String presented = req.getHeader(CSRF_HEADER);
            if (presented == null || !constantTimeEquals(presented, session.csrfToken())) {
                throw new ApiProblem(403, "csrf-failed", "CSRF check failed", "requests authenticated by the "
                        + "session cookie must send the " + CSRF_HEADER + " header with the csrfToken that "
                        + "POST /api/session (or GET /api/session) returned");
            }
        }
        return new Principal(session.tokenId(), session.tokenName(), session.scope(), session);
    }

    /** The token behind {@code secret}, or 401. */
    Token token(String secret) {
        if (secret == null || secret.isBlank()) {
            throw invalidToken();
        }
        Optional<Token> token = services.tokens().authenticate(secret.trim());
        return token.orElseThrow(Auth::invalidToken);
    }

    private Principal bearer(String authorization) {
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
            throw ApiProblem.unauthorized("unsupported Authorization scheme: send 'Authorization: Bearer <token>'");
        }
        Token token = token(value.substring(space + 1));
        return new Principal(token.id(), token.name(), token.scope(), null);
    }

    /** Every {@code recheck}, a cookie session confirms that its token still exists (it may be revoked elsewhere). */
    private void verifyNotRevoked(Sessions.Session session, HttpServletRequest req) {
        if (session.lastVerified.plus(recheck).isAfter(sessions.now())) {
            return;
        }
        boolean alive = services.tokens().list().stream().anyMatch(t -> t.id().equals(session.tokenId()));
        if (!alive) {
            sessions.closeAllOf(session.tokenId());
            throw ApiProblem.unauthorized("the token this session was opened with has been revoked; log in again")
                    .header("Set-Cookie", clearCookie(req));
        }
        session.lastVerified = sessions.now();
    }

    static String sessionCookie(HttpServletRequest req) {
        Cookie[] cookies = req.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (Sessions.COOKIE.equals(c.getName())) {
                return c.getValue();
            }
        }
        return null;
    }

    /** {@code Set-Cookie} value for a new session: HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS. */
    static String sessionCookie(HttpServletRequest req, String sessionId) {
        return Sessions.COOKIE + "=" + sessionId + "; Path=/; HttpOnly; SameSite=Strict" + (req.isSecure() ? "; Secure" : "");
    }

    static String clearCookie(HttpServletRequest req) {
        return Sessions.COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (req.isSecure() ? "; Secure" : "");
    }

    private static ApiProblem invalidToken() {
        return ApiProblem.unauthorized("the token is unknown or has been revoked")
                .header("WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\"");
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
