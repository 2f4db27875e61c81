package org.dockerera.rest.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Method + path template ({@code /api/hosts/{id}}) to handler. A template segment in braces matches one non-empty
 * path segment; literal segments win over variables. Matching is on percent-decoded segments.
 */
final class Router {
    /** Handles one matched request. */
    @FunctionalInterface
    interface Handler {
        Reply handle(Exchange exchange) throws Exception;
    }

    /** A route: method, template, the access it needs, its handler. */
    record Route(String method, String template, Access access, Handler handler, List<String> segments) {
    }

    /** The result of matching a request. */
    sealed interface Match permits Found, NotFound, WrongMethod {
    }

    record Found(Route route, Map<String, String> params) implements Match {
    }

    record NotFound() implements Match {
    }

    /** The path exists but not for this method: {@code allowed} goes in the {@code Allow} header. */
    record WrongMethod(Set<String> allowed) implements Match {
    }

    private final List<Route> routes = new ArrayList<>();

    Router add(String method, String template, Access access, Handler handler) {
        routes.add(new Route(method, template, access, handler, split(template)));
        return this;
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Matches {@code method} (HEAD as GET) and a raw, still percent-encoded path. */
    Match match(String method, String rawPath) {
        List<String> path = decodeSegments(rawPath);
        if (path == null) {
            return new NotFound();
        }
        String m = "HEAD".equals(method) ? "GET" : method;
        Found best = null;
        int bestLiterals = -1;
        Set<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Map<String, String> params = bind(r.segments(), path);
            if (params == null) {
                continue;
            }
            if (!r.method().equals(m)) {
                allowed.add(r.method());
                continue;
            }
            int literals = (int) r.segments().stream().filter(s -> !isVariable(s)).count();
            if (literals > bestLiterals) {
                best = new Found(r, params);
                bestLiterals = literals;
            }
        }
        if (best != null) {
            return best;
        }
        if (!allowed.isEmpty()) {
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            return new WrongMethod(allowed);
        }
        return new NotFound();
    }

    private static Map<String, String> bind(List<String> template, List<String> path) {
        if (template.size() != path.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            String p = path.get(i);
            if (isVariable(t)) {
                if (p.isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), p);
            } else if (!t.equals(p)) {
                return null;
            }
        }
        return params;
    }

    private static boolean isVariable(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static List<String> split(String template) {
        List<String> out = new ArrayList<>();
        for (String s : template.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Segments of a raw path, percent-decoded; one trailing slash is ignored. Null when the encoding is broken. */
    static List<String> decodeSegments(String rawPath) {
        String p = rawPath == null ? "" : rawPath;
        if (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        List<String> out = new ArrayList<>();
        if (p.isEmpty()) {
            return out;
        }
        for (String s : p.split("/", -1)) {
            String d = percentDecode(s);
            if (d == null) {
                return null;
            }
            out.add(d);
        }
        return out;
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp) - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
