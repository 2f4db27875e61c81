package org.dockerera.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator route files on the assembled distribution: the shipped deploy-webhook example dropped into
 * {@code etc/dockerera/routes/} posts a real deploy's events to an HTTP receiver in this JVM; a malformed file is
 * reported with line and reason (REST and shell) while the webhook keeps working; deleting the file removes the route
 * and the next deploy posts nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorRoutesIT {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration DEPLOY = Duration.ofSeconds(60);
    private static final Duration RELOAD = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final String HEALTH = "{\"path\":\"/health\",\"intervalMs\":500,\"timeoutMs\":500,"
            + "\"healthyThreshold\":1,\"unhealthyThreshold\":2,\"startIntervalMs\":100,\"startTimeoutMs\":10000}";
    private static final Path EXAMPLES = Path.of(System.getProperty("dockerera.etc", "../etc"),
            "dockerera/routes.examples");

    private final TestEnv env = TestEnv.load();
    private final String app = "hook" + Long.toHexString(System.currentTimeMillis() % 0xfffffffL) + ".routes.test";
    private Distribution dist;
    private Api api;
    private String admin;
    private String hostUrl;
    private Path routes;
    private HttpServer receiver;
    /** What the receiver got: path and the event's JSON. */
    private final List<Posted> posted = new CopyOnWriteArrayList<>();

    record Posted(String path, JsonNode event) {
        String deployId() {
            return event.path("deployId").asText(null);
        }

        String type() {
            return event.path("type").asText();
        }
    }

    @BeforeAll
    void boot(@TempDir Path work) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                posted.add(new Posted(exchange.getRequestURI().getPath(), Api.JSON.readTree(body)));
                exchange.sendResponseHeaders(204, -1);
            } catch (IOException notJson) {
                exchange.sendResponseHeaders(400, -1);
            }
            exchange.close();
        });
        receiver.start();
        dist = Distribution.create(work);
        api = new Api(dist.baseUrl());
        routes = dist.home().resolve("etc/dockerera/routes");
        assertThat(routes).as("the distribution ships the routes directory").isDirectory();
        assertThat(dist.home().resolve("etc/dockerera/routes.examples/deploy-webhook.yaml")).isRegularFile();
        dist.start();
        dist.awaitApi(BOOT);
        admin = dist.adminToken();
        hostUrl = env.tcpUrl(env.hostIndexes().get(0));
        Api.Response h = api.post("/api/hosts", admin, "{\"url\":" + Api.q(hostUrl) + "}");
        assertThat(h.status()).as(h.toString()).isEqualTo(201);
        Api.Response a = api.post("/api/apps", admin, "{\"name\":" + Api.q(app) + ",\"instances\":1,\"port\":8080,"
                + "\"health\":" + HEALTH + ",\"drainTimeoutMs\":200,\"stopTimeoutMs\":2000}");
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
    }

    @AfterAll
    void cleanUp() throws Exception {
        try {
            if (dist != null) {
                dist.close();
            }
        } finally {
            if (receiver != null) {
                receiver.stop(0);
            }
            if (hostUrl != null) {
                Docker.removeContainersOf(hostUrl, app);
            }
        }
    }

    @Test
    void aWebhookRouteFilePostsDeployEventsUntilDeletedAndABrokenFileIsReportedAndIsolated() throws Exception {
        // the shipped example, only its address changed, dropped in as an operator would
        long t0 = System.nanoTime();
        drop("deploy-webhook.yaml", Files.readString(EXAMPLES.resolve("deploy-webhook.yaml"))
                .replace("http://127.0.0.1:9000/hook", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"));
        awaitRoute("deploy-webhook", "file deploy-webhook.yaml");
        long liveMs = (System.nanoTime() - t0) / 1_000_000;

        String first = deployAndWait("{\"image\":" + Api.q(env.get("image.v1")) + "}");
        await().atMost(RELOAD).pollInterval(POLL).until(() -> types(first, "/hook").contains("deploy.succeeded"));
        assertThat(types(first, "/hook")).contains("deploy.queued", "deploy.started", "deploy.succeeded");
        assertThat(posted).as("only deploy events, each with its deploy's id")
                .allSatisfy(p -> {
                    assertThat(p.type()).startsWith("deploy.");
                    assertThat(p.deployId()).isEqualTo(first);
                    assertThat(p.event().path("app").asText()).isEqualTo(app);
                });

        // a malformed file: reported with line and reason; every route keeps running
        drop("broken.yaml", """
                - route:
                    id: witness
                    from:
                      uri: "seda:dockerera-events?multipleConsumers=true"
                      steps:
                        - to: "log:x"
                   - oops: [
                """);
        JsonNode broken = await().atMost(RELOAD).pollInterval(POLL).until(() -> file("broken.yaml"),
                f -> f.isPresent() && f.get().path("state").asText().equals("failed")).orElseThrow();
        assertThat(broken.path("line").asInt()).as("%s", broken).isEqualTo(7);
        assertThat(broken.path("reason").asText()).as("%s", broken).startsWith("YAML: ");
        assertThat(routeSources()).containsEntry("deploy-webhook", "file deploy-webhook.yaml")
                .doesNotContainKey("witness");
        String shell = dist.client("dockerera:camel-route-list");
        assertThat(shell).as(shell).contains("deploy-webhook", "file deploy-webhook.yaml", "Started",
                "broken.yaml", "YAML: ");

        String second = deployAndWait("{\"image\":" + Api.q(env.get("image.v2")) + "}");
        await().atMost(RELOAD).pollInterval(POLL).until(() -> types(second, "/hook").contains("deploy.succeeded"));

        // fixed, the file becomes a witness posting every deploy event elsewhere; then the webhook file goes
        drop("broken.yaml", Files.readString(EXAMPLES.resolve("deploy-webhook.yaml"))
                .replace("id: deploy-webhook", "id: witness")
                .replace("http://127.0.0.1:9000/hook", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/witness"));
        awaitRoute("witness", "file broken.yaml");
        long t1 = System.nanoTime();
        Files.delete(routes.resolve("deploy-webhook.yaml"));
        await().atMost(RELOAD).pollInterval(POLL).until(() -> !routeSources().containsKey("deploy-webhook"));
        System.out.printf("OperatorRoutesIT: a dropped route file ran after %d ms, a deleted one was gone after %d ms"
                + " (API polled every %d ms)%n", liveMs, (System.nanoTime() - t1) / 1_000_000, POLL.toMillis());
        assertThat(files()).extracting(f -> f.path("file").asText()).containsExactly("broken.yaml");

        String third = deployAndWait(null);
        await().atMost(RELOAD).pollInterval(POLL).until(() -> types(third, "/witness").contains("deploy.succeeded"));
        assertThat(types(third, "/hook")).as("nothing posted by the deleted route").isEmpty();
        assertThat(posted).filteredOn(p -> p.path().equals("/hook")).extracting(Posted::deployId)
                .containsOnly(first, second);
    }

    /** Writes next to the directory and moves the file in, so the loader never sees half a file. */
    private void drop(String name, String content) throws IOException {
        Path tmp = routes.resolveSibling(name + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, routes.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A deploy with {@code body}, or a restart when null; returns its id once it succeeded. */
    private String deployAndWait(String body) {
        Api.Response r = body == null ? api.post("/api/apps/" + app + "/restart", admin, "{}")
                : api.post("/api/apps/" + app + "/deploys", admin, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        JsonNode j = r.json();
        String id = j.has("id") ? j.get("id").asText() : j.path("deploy").path("id").asText();
        JsonNode done = await().atMost(DEPLOY).pollInterval(POLL).until(() -> api.get("/api/deploys/" + id, admin).json(),
                d -> d.path("status").asText().matches("succeeded|failed"));
        assertThat(done.path("status").asText()).as("%s", done).isEqualTo("succeeded");
        return id;
    }

    private List<String> types(String deployId, String path) {
        return posted.stream().filter(p -> p.path().equals(path) && deployId.equals(p.deployId()))
                .map(Posted::type).toList();
    }

    private JsonNode camel() {
        Api.Response r = api.get("/api/camel/routes", admin);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private java.util.Map<String, String> routeSources() {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (JsonNode route : camel().path("routes")) {
            out.put(route.path("id").asText(), route.path("source").asText());
        }
        return out;
    }

    private List<JsonNode> files() {
        return StreamSupport.stream(camel().path("files").spliterator(), false).toList();
    }

    private Optional<JsonNode> file(String name) {
        return files().stream().filter(f -> f.path("file").asText().equals(name)).findFirst();
    }

    private void awaitRoute(String id, String source) {
        await().atMost(RELOAD).pollInterval(POLL).until(() -> camel(), c -> {
            for (JsonNode route : c.path("routes")) {
                if (route.path("id").asText().equals(id)) {
                    assertThat(route.path("source").asText()).isEqualTo(source);
                    return route.path("state").asText().equals("Started");
                }
            }
            return false;
        });
    }
}
