package org.dockerera.rest.internal;

import org.dockerera.api.TokenScope;

/**
 * Who a request is from: the token, and the browser session when it came with the session cookie instead of a
 * bearer token.
 */
record Principal(String tokenId, String tokenName, TokenScope scope, Sessions.Session session) {
    boolean viaSession() {
        return session != null;
    }
}
