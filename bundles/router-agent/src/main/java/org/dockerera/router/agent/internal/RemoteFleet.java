package org.dockerera.router.agent.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;

/**
 * The fleet protocol over the controller's REST API: {@code POST /api/routers}, {@code POST /api/routers/{id}/ack},
 * {@code DELETE /api/routers/{id}} and the SSE feed {@code GET /api/routes/stream} (resumed with
 * {@code Last-Event-ID}), with a {@code router}-scoped token.
 */
final class RemoteFleet implements Fleet {
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final URI base;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    RemoteFleet(String controllerUrl, String token, Duration timeout) {
        this.base = URI.create(controllerUrl.endsWith("/") ? controllerUrl : controllerUrl + "/");
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    }

    private JsonNode send(HttpRequest r, String what, String id) {
        try {
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() == 404 && id != null) {
                throw new NotRegistered(id);
            }
            if (resp.statusCode() / 100 != 2) {
                throw new IllegalStateException(what + " answered " + resp.statusCode() + ": " + resp.body());
            }
            return resp.body().isBlank() ? null : JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " interrupted", e);
        }
    }

    @Override
    public org.dockerera.spi.router.TlsCertificate certificate(String host) {
        String path = "api/certs/" + java.net.URLEncoder.encode(host, java.nio.charset.StandardCharsets.UTF_8);
        JsonNode n = send(request(path).GET().build(), "GET /" + path, null);
        if (n == null) {
            throw new IllegalStateException("GET /" + path + " answered no body");
        }
        return new org.dockerera.spi.router.TlsCertificate(n.path("host").asText(), n.path("fingerprint").asText(),
                n.path("chainPem").asText(), n.path("keyPem").asText());
    }

    private static String body(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Lease register(String type, String url) {
        JsonNode n = send(request("api/routers").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(java.util.Map.of("type", type, "url", url)))).build(),
                "POST /api/routers", null);
        return new Lease(n.path("id").asText(), n.path("leaseMs").asLong(10_000));
    }

    @Override
    public Lease ack(String id, long epoch,
                     java.util.Map<String, org.dockerera.spi.router.RouterBackend.AppStats> stats) {
        java.util.Map<String, Object> ack = new java.util.LinkedHashMap<>();
        ack.put("epoch", epoch);
        if (stats != null) {
            ack.put("stats", stats);
        }
        JsonNode n = send(request("api/routers/" + id + "/ack").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(ack))).build(),
                "POST /api/routers/" + id + "/ack", id);
        return new Lease(id, n == null ? 10_000 : n.path("leaseMs").asLong(10_000));
    }

    @Override
    public void leave(String id) {
        try {
            send(request("api/routers/" + id).DELETE().build(), "DELETE /api/routers/" + id, id);
        } catch (NotRegistered gone) {
            // already gone
        }
    }

    @Override
    public AutoCloseable follow(long lastEpoch, Consumer<RouteTable> onTable, Consumer<Throwable> onBroken) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("api/routes/stream"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
        if (lastEpoch > 0) {
            b.header("Last-Event-ID", Long.toString(lastEpoch));
        }
        AtomicBoolean closed = new AtomicBoolean();
        CompletableFuture<HttpResponse<Stream<String>>> f = http.sendAsync(b.GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(() -> {
            try {
                HttpResponse<Stream<String>> resp = f.join();
                if (resp.statusCode() != 200) {
                    throw new IllegalStateException("GET /api/routes/stream answered " + resp.statusCode());
                }
                List<String> data = new ArrayList<>();
                try (Stream<String> lines = resp.body()) {
                    var it = lines.iterator();
                    while (!closed.get() && it.hasNext()) {
                        String line = it.next();
                        if (line.isEmpty()) {
                            if (!data.isEmpty()) {
                                onTable.accept(parse(String.join("\n", data)));
                                data.clear();
                            }
                        } else if (line.startsWith("data:")) {
                            data.add(line.substring(line.startsWith("data: ") ? 6 : 5));
                        }
                    }
                }
                if (!closed.get()) {
                    onBroken.accept(new IllegalStateException("the route feed ended"));
                }
            } catch (RuntimeException e) {
                if (!closed.get()) {
                    onBroken.accept(e);
                }
            }
        }, "dockerera-router-feed");
        reader.setDaemon(true);
        reader.start();
        return () -> {
            closed.set(true);
            f.cancel(true);
            reader.interrupt();
        };
    }

    static RouteTable parse(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            List<Route> routes = new ArrayList<>();
            for (JsonNode r : n.path("routes")) {
                List<String> backends = new ArrayList<>();
                r.path("backends").forEach(x -> backends.add(x.asText()));
                JsonNode tls = r.path("tls");
                routes.add(new Route(r.path("host").asText(), r.path("app").asText(), backends,
                        tls.isTextual() ? tls.asText() : null, r.path("httpsRedirect").asBoolean(false)));
            }
            return new RouteTable(n.path("epoch").asLong(), routes);
        } catch (IOException e) {
            throw new IllegalStateException("malformed route table: " + e.getMessage(), e);
        }
    }
}
