package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The controller's REST API, as the CLI needs it: JSON calls and server-sent event streams, every failure turned
 * into a {@link CliException} with the exit code it deserves and one line saying what to do next.
 */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One server-sent event. */
    record Sse(String id, String event, String data) {
        JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw CliException.failed("the controller sent an event that is not JSON: " + data);
            }
        }
    }

    /** Handles one event; false stops reading. */
    interface SseListener {
        boolean onEvent(Sse event);
    }

    record Response(int status, JsonNode body, String location) {
    }

    private static final int CONNECT_TIMEOUT_MS = 5000;
    private static final int READ_TIMEOUT_MS = 60000;

    private final String base;
    private final String token;

    Api(String controllerUrl, String token) {
        this.base = apiBase(controllerUrl);
        this.token = token;
    }

    /** {@code http://h:8181}, {@code http://h:8181/} and {@code http://h:8181/api} all mean the same API. */
    static String apiBase(String url) {
        String u = url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (!u.endsWith("/api")) {
            u = u + "/api";
        }
        return u;
    }

    static String controllerUrl(String url) {
        String b = apiBase(url);
        return b.substring(0, b.length() - "/api".length());
    }

    String controller() {
        return controllerUrl(base);
    }

    /** A path segment, percent-encoded ({@code *.shop.com}, host URLs …). */
    static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(String path) {
        return call("GET", path, null).body();
    }

    JsonNode post(String path, Object body) {
        return call("POST", path, body).body();
    }

    JsonNode put(String path, Object body) {
        return call("PUT", path, body).body();
    }

    /** A JSON merge patch. */
    JsonNode patch(String path, Object body) {
        return call("PATCH", path, body).body();
    }

    JsonNode delete(String path) {
        return call("DELETE", path, null).body();
    }

    /*
     * HttpURLConnection rather than java.net.http.HttpClient: the latter initialises TLS (SSLContext.getDefault(),
     * the trust store) when it is built, even for plain HTTP, which cost a CLI call about a second of startup on
     * this 2-core machine. HttpURLConnection has no PATCH; the API takes POST + X-HTTP-Method-Override: PATCH.
     */
    Response call(String method, String path, Object body) {
        HttpURLConnection c = open(path, method, READ_TIMEOUT_MS);
        c.setRequestProperty("Accept", "application/json");
        try {
            boolean sendsBody = body != null || "POST".equals(method) || "PUT".equals(method)
                    || "PATCH".equals(method);
            if (sendsBody) {
                byte[] bytes = body == null ? "{}".getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body);
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(bytes.length);
                c.setRequestProperty("Content-Type", "PATCH".equals(method) ? "application/merge-patch+json"
                        : "application/json");
                try (OutputStream out = c.getOutputStream()) {
                    out.write(bytes);
                }
            }
            int status = c.getResponseCode();
            JsonNode json;
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                json = parse(in == null ? null : in.readAllBytes());
            }
            if (status >= 400) {
                throw problem(status, json);
            }
            return new Response(status, json, c.getHeaderField("Location"));
        } catch (IOException e) {
            throw connectionFailed(method, path, e);
        } finally {
            c.disconnect();
        }
    }

    /**
     * Reads a server-sent event stream until the server ends it or the listener says stop. Returns true when the
     * server ended it, false when the listener stopped.
     */
    boolean stream(String path, String lastEventId, SseListener listener) {
        HttpURLConnection c = open(path, "GET", 0);
        c.setRequestProperty("Accept", "text/event-stream");
        if (lastEventId != null) {
            c.setRequestProperty("Last-Event-ID", lastEventId);
        }
        try {
            int status = c.getResponseCode();
            if (status >= 400) {
                try (InputStream in = c.getErrorStream()) {
                    throw problem(status, parse(in == null ? null : in.readAllBytes()));
                }
            }
            try (InputStream in = c.getInputStream()) {
                return read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), listener);
            }
        } catch (IOException e) {
            throw connectionFailed("GET", path, e);
        } finally {
            c.disconnect();
        }
    }

    /** The SSE wire format (the subset the API sends: id, event, data, comments). */
    static boolean read(BufferedReader reader, SseListener listener) throws IOException {
        String id = null;
        String event = null;
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null && !listener.onEvent(new Sse(id, event == null ? "message" : event,
                        data.toString()))) {
                    return false;
                }
                event = null;
                data = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id":
                    id = value;
                    break;
                case "event":
                    event = value;
                    break;
                case "data":
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    break;
                default:
                    break;
            }
        }
        return true;
    }

    private HttpURLConnection open(String path, String method, int readTimeoutMs) {
        URL url;
        try {
            url = URI.create(base + path).toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw CliException.usage("bad controller URL " + base + ": " + e.getMessage()
                    + " (fix it with `dockerera init --url http://HOST:8181`)");
        }
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) url.openConnection();
            c.setRequestMethod("PATCH".equals(method) ? "POST" : method);
        } catch (IOException | ClassCastException e) {
            throw CliException.usage("bad controller URL " + base + ": " + e.getMessage()
                    + " (fix it with `dockerera init --url http://HOST:8181`)");
        }
        if ("PATCH".equals(method)) {
            c.setRequestProperty("X-HTTP-Method-Override", "PATCH");
        }
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout(CONNECT_TIMEOUT_MS);
        c.setReadTimeout(readTimeoutMs);
        if (token != null) {
            c.setRequestProperty("Authorization", "Bearer " + token);
        }
        c.setRequestProperty("User-Agent", "dockerera-cli/" + Dockerera.version());
        return c;
    }

    private CliException connectionFailed(String method, String path, IOException e) {
        if (e instanceof ConnectException) {
            return CliException.unreachable("cannot reach the controller at " + controller()
                    + ": connection refused (is it running? change the URL with `dockerera init --url …`"
                    + " or DOCKERERA_URL)");
        }
        if (e instanceof SocketTimeoutException) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("connect")) {
                return CliException.unreachable("cannot reach the controller at " + controller()
                        + ": no answer within 5 s (is it running? change the URL with `dockerera init --url …`"
                        + " or DOCKERERA_URL)");
            }
            return CliException.unreachable("the controller at " + controller() + " did not answer " + method + " "
                    + path + " within 60 s (check its log)");
        }
        if (e instanceof UnknownHostException) {
            return CliException.unreachable("cannot reach the controller at " + controller() + ": unknown host "
                    + e.getMessage() + " (fix the URL with `dockerera init --url …` or DOCKERERA_URL)");
        }
        return CliException.unreachable("cannot talk to the controller at " + controller() + ": "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                + " (is it running? is the URL right?)");
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            ObjectNode text = JSON.createObjectNode();
            text.put("detail", new String(body, StandardCharsets.UTF_8).strip());
            return text;
        }
    }

    /** An error answer → the exit code it deserves and the problem's detail, with the CLI's next step. */
    static CliException problem(int status, JsonNode p) {
        String type = p.path("type").asText("");
        String shortType = type.substring(type.lastIndexOf('/') + 1);
        String detail = p.path("detail").asText(p.path("title").asText("HTTP " + status));
        detail = detail.strip();
        int nl = detail.indexOf('\n');
        if (nl >= 0) {
            detail = detail.substring(0, nl).strip();
        }
        if (status == 401) {
            return CliException.unreachable("the controller refused the token: " + lower(detail)
                    + " (run `dockerera init --token …` or set DOCKERERA_TOKEN)");
        }
        if (status == 403 && !"csrf-failed".equals(shortType)) {
            return CliException.unreachable("the token may not do this: " + lower(detail)
                    + " (use a token with a wider scope: `dockerera tokens:create NAME --scope …`)");
        }
        if ("standby".equals(shortType)) {
            return CliException.unreachable(detail);
        }
        switch (shortType) {
            case "app-not-found":
                return CliException.failed(replaceHint(detail, "see the apps with `dockerera apps`"));
            case "host-not-found":
                return CliException.failed(replaceHint(detail, "see the hosts with `dockerera hosts`"));
            case "release-not-found":
                return CliException.failed(replaceHint(detail, "see the releases with `dockerera releases`"));
            default:
                return CliException.failed(detail);
        }
    }

    private static String replaceHint(String detail, String hint) {
        int semi = detail.indexOf(';');
        return (semi > 0 ? detail.substring(0, semi) : detail) + "; " + hint;
    }

    private static String lower(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }
}
