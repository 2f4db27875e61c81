package org.dockerera.rest.internal;

import org.dockerera.api.TokenScope;

/** What a route needs from the caller's token. {@code admin} tokens pass everything but {@link #PUBLIC} needs none. */
enum Access {
    /** no authentication at all */
    PUBLIC,
    /** any valid token, whatever its scope (the session endpoints) */
    AUTHENTICATED,
    /** reading: admin, deploy and read tokens */
    READ,
    /** deploy, rollback, scale, env: admin and deploy tokens */
    DEPLOY,
    /** the router feed: admin and router tokens */
    ROUTER,
    /** the route table: readers and routers (admin, deploy, read and router tokens) */
    READ_OR_ROUTER,
    /** everything else that changes state: admin tokens only */
    ADMIN;

    boolean permits(TokenScope scope) {
        if (this == PUBLIC || this == AUTHENTICATED || scope == TokenScope.ADMIN) {
            return true;
        }
        return switch (this) {
            case READ -> scope == TokenScope.DEPLOY || scope == TokenScope.READ;
            case DEPLOY -> scope == TokenScope.DEPLOY;
            case ROUTER -> scope == TokenScope.ROUTER;
            case READ_OR_ROUTER -> scope == TokenScope.DEPLOY || scope == TokenScope.READ || scope == TokenScope.ROUTER;
            default -> false;
        };
    }

    /** Which scopes may call such a route, for the 403 detail. */
    String who() {
        return switch (this) {
            case READ -> "an admin, deploy or read token";
            case DEPLOY -> "an admin or deploy token";
            case ROUTER -> "an admin or router token";
            case READ_OR_ROUTER -> "an admin, deploy, read or router token";
            case ADMIN -> "an admin token";
            default -> "any token";
        };
    }
}
