package org.dockerera.rest.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dockerera.api.DockereraException;

/**
 * An HTTP-level failure rendered as {@code application/problem+json}: {@code type} is {@code /problems/<slug>}.
 * Covers what {@link DockereraException.Kind} has no status for (405, 413, 415) and carries extra response headers
 * ({@code WWW-Authenticate}, {@code Allow}).
 */
final class ApiProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String slug;
    private final String title;
    private final String field;
    private final Map<String, String> headers = new LinkedHashMap<>();

    ApiProblem(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, null);
    }

    ApiProblem(int status, String slug, String title, String detail, String field) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.field = field;
    }

    ApiProblem header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    int status() {
        return status;
    }

    String slug() {
        return slug;
    }

    String title() {
        return title;
    }

    String detail() {
        return getMessage();
    }

    /** The request field at fault ({@code capacity.cpus}), or null. */
    String field() {
        return field;
    }

    Map<String, String> headers() {
        return headers;
    }

    Problem body() {
        return new Problem("/problems/" + slug, title, status, detail(), field);
    }

    static ApiProblem of(DockereraException e) {
        ApiProblem p = new ApiProblem(e.kind().status(), e.slug(), e.title(), e.detail());
        if (e.kind() == DockereraException.Kind.UNAUTHORIZED) {
            p.header("WWW-Authenticate", Auth.CHALLENGE);
        }
        if (e instanceof org.dockerera.spi.store.StoreMigratingException) {
            p.header("Retry-After", String.valueOf(((org.dockerera.spi.store.StoreMigratingException) e)
                    .retryAfterSeconds()));
        }
        return p;
    }

    static ApiProblem unauthorized(String detail) {
        return new ApiProblem(401, "unauthorized", "Unauthorized", detail).header("WWW-Authenticate", Auth.CHALLENGE);
    }

    static ApiProblem forbidden(String detail) {
        return new ApiProblem(403, "forbidden", "Forbidden", detail);
    }

    static ApiProblem badRequest(String slug, String detail) {
        return new ApiProblem(400, slug, "Bad request", detail);
    }

    static ApiProblem invalid(String detail, String field) {
        return new ApiProblem(422, "invalid-request", "Invalid request", detail, field);
    }

    static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "not-found", "Not found", detail);
    }

    static ApiProblem internal(String reference) {
        return new ApiProblem(500, "internal", "Internal error",
                "unexpected server error (reference " + reference + "); the server log has the details");
    }

    /** The RFC 9457 body. {@code field} is an extension member naming the request field at fault. */
    record Problem(String type, String title, int status, String detail, String field) {
    }
}
