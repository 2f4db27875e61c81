package org.dockerera.api;

import java.util.Locale;

/** What a token may do. */
public enum TokenScope {
    /** everything */
    ADMIN,
    /** deploy, rollback, scale, env, and read */
    DEPLOY,
    /** GET only */
    READ,
    /** the router feed only */
    ROUTER;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TokenScope parse(String s) {
        if (s == null) {
            throw DockereraException.invalid("invalid-scope", "scope is required: one of admin, deploy, read, router");
        }
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw DockereraException.invalid("invalid-scope", "unknown scope '" + s + "': use one of admin, deploy, read, router");
        }
    }
}
