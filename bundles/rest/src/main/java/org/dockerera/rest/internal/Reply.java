package org.dockerera.rest.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers: a status, a JSON body (null for none) and extra headers. {@link #ASYNC} means the handler
 * took over the response (server-sent events).
 */
record Reply(int status, Object body, Map<String, String> headers) {
    static final Reply ASYNC = new Reply(-1, null, Map.of());

    static Reply ok(Object body) {
        return new Reply(200, body, Map.of());
    }

    static Reply created(String location, Object body) {
        return new Reply(201, body, Map.of("Location", location));
    }

    static Reply noContent() {
        return new Reply(204, null, Map.of());
    }

    Reply withHeader(String name, String value) {
        LinkedHashMap<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Reply(status, body, Map.copyOf(h));
    }

    /** A path segment, percent-encoded for a Location header. */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
