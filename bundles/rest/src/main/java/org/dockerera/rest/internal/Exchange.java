package org.dockerera.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** One request as a handler sees it: path parameters, query flags, the JSON body and the caller. */
final class Exchange {
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Json json;
    private final int maxBodyBytes;
    private Map<String, String> params = Map.of();
    private Principal principal;

    Exchange(HttpServletRequest request, HttpServletResponse response, Json json, int maxBodyBytes) {
        this.request = request;
        this.response = response;
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    HttpServletRequest request() {
        return request;
    }

    HttpServletResponse response() {
        return response;
    }

    /**
     * The request's method; a {@code POST} with {@code X-HTTP-Method-Override: PATCH} counts as {@code PATCH} (for
     * clients whose HTTP stack has no PATCH, such as {@code HttpURLConnection}, which the CLI uses for its fast
     * start). Only PATCH can be reached this way, and only from POST: both are mutations, so scopes and CSRF apply
     * unchanged.
     */
    String method() {
        String m = request.getMethod().toUpperCase(Locale.ROOT);
        if ("POST".equals(m) && "PATCH".equalsIgnoreCase(request.getHeader("X-HTTP-Method-Override"))) {
            return "PATCH";
        }
        return m;
    }

    void params(Map<String, String> params) {
        this.params = params;
    }

    void principal(Principal principal) {
        this.principal = principal;
    }

    /** The caller, or null on a public route. */
    Principal principal() {
        return principal;
    }

    String path(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalStateException("route has no path parameter " + name);
        }
        return v;
    }

    /** A boolean query parameter: absent → {@code dflt}; {@code true}/{@code false} (or bare {@code ?force}) else 400. */
    boolean flag(String name, boolean dflt) {
        String v = request.getParameter(name);
        if (v == null) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "", "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw ApiProblem.badRequest("invalid-parameter",
                    "query parameter '" + name + "' must be true or false, got '" + v + "'");
        };
    }

    /**
     * The JSON body as {@code type}.
     *
     * @throws ApiProblem 400 {@code missing-body} when empty or {@code null}, 413 when over the limit, 415 when not
     *                    JSON, 400 {@code malformed-json}, 422 {@code invalid-request}
     */
    <T> T body(Class<T> type) throws IOException {
        String contentType = request.getContentType();
        if (contentType != null && !isJson(contentType)) {
            throw new ApiProblem(415, "unsupported-media-type", "Unsupported media type",
                    "send the body as JSON with 'Content-Type: application/json', not " + contentType);
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        byte[] bytes = readAtMost(request.getInputStream(), maxBodyBytes);
        if (isBlank(bytes)) {
            throw ApiProblem.badRequest("missing-body", "this request needs a JSON object body");
        }
        T value = json.read(bytes, type);
        if (value == null || value instanceof JsonNode n && n.isNull()) {
            throw ApiProblem.badRequest("missing-body", "this request needs a JSON object body, not null");
        }
        return value;
    }

    /** The JSON body as {@code type}, or null when the request has none (an empty body is allowed here). */
    <T> T optionalBody(Class<T> type) throws IOException {
        String contentType = request.getContentType();
        if (contentType != null && !isJson(contentType)) {
            throw new ApiProblem(415, "unsupported-media-type", "Unsupported media type",
                    "send the body as JSON with 'Content-Type: application/json', not " + contentType);
        }
        if (request.getContentLengthLong() > maxBodyBytes) {
            throw tooLarge();
        }
        byte[] bytes = readAtMost(request.getInputStream(), maxBodyBytes);
        return isBlank(bytes) ? null : json.read(bytes, type);
    }

    private byte[] readAtMost(InputStream in, int max) throws IOException {
        byte[] bytes = in.readNBytes(max + 1);
        if (bytes.length > max) {
            throw tooLarge();
        }
        return bytes;
    }

    /**
     * 413. The rest of the body is read and dropped first (up to four times the limit), or the client, still sending,
     * may get a reset instead of the answer; past that the connection is closed.
     */
    private ApiProblem tooLarge() throws IOException {
        long left = 4L * maxBodyBytes;
        InputStream in = request.getInputStream();
        byte[] sink = new byte[8192];
        int n;
        while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
            left -= n;
        }
        ApiProblem p = new ApiProblem(413, "payload-too-large", "Payload too large",
                "the request body is larger than " + maxBodyBytes + " bytes");
        return left <= 0 ? p.header("Connection", "close") : p;
    }

    private static boolean isJson(String contentType) {
        String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return base.equals("application/json") || (base.startsWith("application/") && base.endsWith("+json"));
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
