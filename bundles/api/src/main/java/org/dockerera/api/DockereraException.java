package org.dockerera.api;

import java.util.Objects;

/**
 * An error a user can act on. Carries the problem {@code type} slug (documented in docs/api.md),
 * the HTTP-like {@link Kind}, a short title and a detail sentence that says what to do next.
 * REST renders it as {@code application/problem+json}, the shell and CLI as one line.
 */
public class DockereraException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The class of failure, mapped 1:1 to HTTP status codes. */
    public enum Kind {
        BAD_REQUEST(400), UNAUTHORIZED(401), FORBIDDEN(403), NOT_FOUND(404), CONFLICT(409),
        INVALID(422), UNAVAILABLE(503), INTERNAL(500);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;
    private final String slug;
    private final String title;

    public DockereraException(Kind kind, String slug, String title, String detail) {
        this(kind, slug, title, detail, null);
    }

    public DockereraException(Kind kind, String slug, String title, String detail, Throwable cause) {
        super(detail, cause);
        this.kind = Objects.requireNonNull(kind);
        this.slug = Objects.requireNonNull(slug);
        this.title = Objects.requireNonNull(title);
    }

    public Kind kind() {
        return kind;
    }

    /** Stable problem type slug, e.g. {@code host-unreachable}; the REST type is {@code /problems/<slug>}. */
    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    /** What went wrong and what to do next, in one sentence. */
    public String detail() {
        return getMessage();
    }

    public static DockereraException notFound(String slug, String detail) {
        return new DockereraException(Kind.NOT_FOUND, slug, "Not found", detail);
    }

    public static DockereraException conflict(String slug, String detail) {
        return new DockereraException(Kind.CONFLICT, slug, "Conflict", detail);
    }

    public static DockereraException invalid(String slug, String detail) {
        return new DockereraException(Kind.INVALID, slug, "Invalid value", detail);
    }

    public static DockereraException unavailable(String slug, String detail, Throwable cause) {
        return new DockereraException(Kind.UNAVAILABLE, slug, "Service unavailable", detail, cause);
    }

    public static DockereraException forbidden(String detail) {
        return new DockereraException(Kind.FORBIDDEN, "forbidden", "Forbidden", detail);
    }
}
