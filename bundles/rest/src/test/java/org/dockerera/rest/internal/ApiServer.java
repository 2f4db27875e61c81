package org.dockerera.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dockerera.api.TokenScope;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The API on an embedded Jetty 9.4 (what Pax Web 8 runs), mounted like the whiteboard does it ({@code /api/*} in
 * the root context), with tokens of every scope issued and a small HTTP client.
 */
final class ApiServer implements AutoCloseable {
    static final String ADMIN = "admin-secret";
    static final String DEPLOY = "deploy-secret";
    static final String READ = "read-secret";
    static final String ROUTER = "router-secret";
    static final String REVOKED = "revoked-secret";

    final Fakes.FakeServices services = new Fakes.FakeServices();
    final Fakes.MutableClock clock = new Fakes.MutableClock(Fakes.T0);
    final RestApi api;
    private final Server server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper mapper = new ObjectMapper();
    final int port;

    ApiServer() {
        this(new RestSettings(Duration.ofHours(12), Duration.ofSeconds(60), Duration.ofSeconds(15), 64 * 1024, 1000));
    }

    ApiServer(RestSettings settings) {
        this(settings, 200);
    }

    /** {@code maxThreads} bounds Jetty's pool, to prove that event streams hold no thread. */
    ApiServer(RestSettings settings, int maxThreads) {
        services.tokens.issue(ADMIN, TokenScope.ADMIN);
        services.tokens.issue(DEPLOY, TokenScope.DEPLOY);
        services.tokens.issue(READ, TokenScope.READ);
        services.tokens.issue(ROUTER, TokenScope.ROUTER);
        String revokedId = services.tokens.issue(REVOKED, TokenScope.ADMIN).id();
        services.tokens.revoke(revokedId);
        api = new RestApi(services, settings, clock);
        server = new Server(new QueuedThreadPool(maxThreads, Math.min(8, maxThreads)));
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder("dockerera-rest", new ApiServlet(api));
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/api/*");
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        port = connector.getLocalPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A request builder; {@code bearer} null sends no Authorization header. */
    Call call(String method, String path) {
        return new Call(method, path);
    }

    Res get(String path, String bearer) {
        return call("GET", path).bearer(bearer).send();
    }

    Res post(String path, String bearer, String json) {
        return call("POST", path).bearer(bearer).json(json).send();
    }

    Res delete(String path, String bearer) {
        return call("DELETE", path).bearer(bearer).send();
    }

    /** A JSON text (an SSE frame's data) as a tree. */
    JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + text, e);
        }
    }

    @Override
    public void close() throws Exception {
        api.close();
        server.stop();
    }

    final class Call {
        private final String method;
        private final String path;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String body;

        Call(String method, String path) {
            this.method = method;
            this.path = path;
        }

        Call bearer(String token) {
            if (token != null) {
                headers.put("Authorization", "Bearer " + token);
            }
            return this;
        }

        Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Call json(String json) {
            headers.putIfAbsent("Content-Type", "application/json");
            body = json;
            return this;
        }

        Call body(String raw) {
            body = raw;
            return this;
        }

        Res send() {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(b::header);
            try {
                HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                return new Res(r.statusCode(), r.headers().map(), r.body());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A response. */
    final class Res {
        final int status;
        final Map<String, List<String>> headers;
        final String body;

        Res(int status, Map<String, List<String>> headers, String body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        JsonNode json() {
            try {
                return mapper.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }

        String contentType() {
            return header("Content-Type");
        }

        /** {@code type} of a problem+json body. */
        String problemType() {
            return json().path("type").asText();
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }
}
