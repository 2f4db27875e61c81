package org.dockerera.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 end to end through the REST API of the assembled distribution, against real Docker daemons: an app's log as
 * JSON and followed over SSE (seeing an instance that a scale started after the stream opened), the logs of replaced
 * instances after a redeploy, instance stats, and one-off runs with their output, exit code and clean-up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogsIT {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration DEPLOY = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final String HEALTH = "{\"path\":\"/health\",\"intervalMs\":500,\"timeoutMs\":500,"
            + "\"healthyThreshold\":1,\"unhealthyThreshold\":2,\"startIntervalMs\":100,\"startTimeoutMs\":10000}";

    private final TestEnv env = TestEnv.load();
    private final String app = "logs-" + Long.toHexString(System.currentTimeMillis() % 0xfffffffL) + ".logs.test";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<CompletableFuture<?>> streams = new CopyOnWriteArrayList<>();
    private final List<Integer> hosts = new ArrayList<>();
    private final List<String> runIds = new CopyOnWriteArrayList<>();
    private Distribution dist;
    private Api api;
    private String admin;
    private String firstInstance;

    @BeforeAll
    void bootAddTwoHostsAndDeployOneInstance(@TempDir Path work) throws Exception {
        dist = Distribution.create(work);
        api = new Api(dist.baseUrl());
        dist.start();
        dist.awaitApi(BOOT);
        admin = dist.adminToken();
        for (int n : env.hostIndexes().subList(0, 2)) {
            Api.Response r = api.post("/api/hosts", admin, "{\"url\":" + Api.q(env.tcpUrl(n)) + "}");
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            hosts.add(n);
        }
        Api.Response created = api.post("/api/apps", admin, "{\"name\":" + Api.q(app) + ",\"instances\":1,\"health\":"
                + HEALTH + ",\"drainTimeoutMs\":200,\"stopTimeoutMs\":2000}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Api.Response secret = api.put("/api/apps/" + app + "/env/GREETING", admin,
                "{\"value\":\"secret hello\",\"secret\":true}");
        assertThat(secret.status()).as(secret.toString()).isIn(200, 202);
        assertSucceeded(api.post("/api/apps/" + app + "/deploys", admin, "{\"image\":" + Api.q(env.get("image.v1"))
                + "}"));
        JsonNode instances = api.get("/api/apps/" + app + "/instances?stats=false", admin).json();
        assertThat(instances).hasSize(1);
        firstInstance = instances.get(0).get("id").asText();
    }

    @AfterAll
    void cleanUp() throws Exception {
        streams.forEach(f -> f.cancel(true));
        try {
            if (dist != null) {
                dist.close();
            }
        } finally {
            for (int n : hosts) {
                Docker.removeContainersOf(env.tcpUrl(n), app);
                for (String id : runIds) {
                    try {
                        for (String c : runContainers(n, id)) {
                            Docker.run(env.tcpUrl(n), "rm", "-f", c);
                        }
                    } catch (Exception e) {
                        System.err.println("clean-up of run " + id + " failed: " + e.getMessage());
                    }
                }
            }
        }
    }

    @Test
    @Order(1)
    void theLogIsAJsonArrayOfTimestampedLinesOfTheInstances() {
        String address = api.get("/api/apps/" + app + "/instances?stats=false", admin).json().get(0).get("address")
                .asText();
        assertThat(httpGet("http://" + address + "/env/GREETING")).isEqualTo("secret hello");

        JsonNode log = await().atMost(DEPLOY).pollInterval(POLL).until(() -> api.get("/api/apps/" + app
                + "/logs?tail=1000", admin).json(), l -> text(l).contains("GET /env/GREETING HTTP/1.1 200"));
        JsonNode first = log.get(0);
        assertThat(first.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(first.get("instance").asText()).isEqualTo(firstInstance);
        assertThat(first.get("release").asInt()).isEqualTo(1);
        assertThat(first.get("stream").asText()).isEqualTo("stdout");
        assertThat(text(log)).anySatisfy(l -> assertThat(l).contains("listening on :8080"));
        assertThat(api.get("/api/apps/" + app + "/logs?tail=1", admin).json()).hasSize(1);
        Api.Response bad = api.get("/api/apps/" + app + "/logs?since=yesterday", admin);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("type").asText()).isEqualTo("/problems/invalid-parameter");
        assertThat(api.get("/api/apps/nope.logs.test/logs", admin).status()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void aFollowedLogSeesTheInstanceAScaleStartsAfterItOpened() {
        List<String> lines = new CopyOnWriteArrayList<>();
        stream("/api/apps/" + app + "/logs?tail=3", "text/event-stream", lines);
        await().atMost(DEPLOY).until(() -> data(lines).size() >= 3);
        assertThat(lines).filteredOn(l -> l.startsWith("event: ")).containsOnly("event: log");

        assertSucceeded(api.put("/api/apps/" + app + "/scale", admin, "{\"instances\":2}"));
        String second = ids(api.get("/api/apps/" + app + "/instances?stats=false", admin).json()).stream()
                .filter(id -> !id.equals(firstInstance)).findFirst().orElseThrow();

        await().atMost(DEPLOY).untilAsserted(() -> assertThat(data(lines)).extracting(d -> Api.JSON.readTree(d))
                .anySatisfy(e -> {
                    assertThat(e.get("instance").asText()).isEqualTo(second);
                    assertThat(e.get("line").asText()).contains("listening on :8080");
                }));
    }

    @Test
    @Order(3)
    void runningInstancesCarryTheirStats() {
        await().atMost(DEPLOY).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode instances = api.get("/api/apps/" + app + "/instances", admin).json();
            assertThat(instances).hasSize(2).allSatisfy(i -> {
                JsonNode s = i.get("stats");
                assertThat(s.isObject()).as(i.toString()).isTrue();
                assertThat(s.get("cpuPercent").asDouble()).isGreaterThanOrEqualTo(0.0);
                assertThat(s.get("memoryBytes").asLong()).isPositive();
                assertThat(s.get("memoryLimitBytes").asLong()).isPositive();
            });
        });
        JsonNode without = api.get("/api/apps/" + app + "/instances?stats=false", admin).json();
        assertThat(without).allSatisfy(i -> assertThat(i.get("stats").isNull()).isTrue());
    }

    @Test
    @Order(4)
    void aRunPrintsItsOutputAndExitCodeAndItsContainerIsRemoved() throws Exception {
        Api.Response started = api.post("/api/apps/" + app + "/runs", admin, "{\"command\":[\"/testapp\",\"--echo\","
                + "\"hi\",\"--exit\",\"3\"],\"env\":{\"EXTRA\":\"x\"}}");
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        JsonNode run = started.json();
        String id = run.get("id").asText();
        runIds.add(id);
        assertThat(run.get("status").asText()).isEqualTo("running");
        assertThat(run.has("exitCode") && run.get("exitCode").isNull()).isTrue();
        assertThat(run.get("image").asText()).contains("@sha256:");

        List<String> lines = new CopyOnWriteArrayList<>();
        stream("/api/apps/" + app + "/runs/" + id + "/output", null, lines).get(60, TimeUnit.SECONDS);
        assertThat(lines).filteredOn(l -> l.startsWith("event: ")).last().isEqualTo("event: exit");
        assertThat(data(lines)).contains("{\"stream\":\"stdout\",\"line\":\"echo hi\"}",
                "{\"stream\":\"stdout\",\"line\":\"GREETING=secret hello\"}",
                "{\"stream\":\"stderr\",\"line\":\"stderr: hi\"}").last().isEqualTo("{\"exitCode\":3}");
        JsonNode done = api.get("/api/apps/" + app + "/runs/" + id, admin).json();
        assertThat(done.get("status").asText()).isEqualTo("exited");
        assertThat(done.get("exitCode").asInt()).isEqualTo(3);
        await().atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (int n : hosts) {
                if (!runContainers(n, id).isEmpty()) {
                    return false;
                }
            }
            return true;
        });
        assertThat(ids(api.get("/api/apps/" + app + "/instances?stats=false", admin).json())).hasSize(2);

        Api.Response ok = api.post("/api/apps/" + app + "/runs", admin, "{\"command\":[\"/testapp\",\"--echo\","
                + "\"bye\"],\"env\":{\"GREETING\":\"overridden\"}}");
        runIds.add(ok.json().get("id").asText());
        List<String> okLines = new CopyOnWriteArrayList<>();
        stream("/api/apps/" + app + "/runs/" + ok.json().get("id").asText() + "/output", "text/event-stream",
                okLines).get(60, TimeUnit.SECONDS);
        assertThat(data(okLines)).contains("{\"stream\":\"stdout\",\"line\":\"GREETING=overridden\"}")
                .last().isEqualTo("{\"exitCode\":0}");

        Api.Response invalid = api.post("/api/apps/" + app + "/runs", admin, "{\"command\":[]}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.json().get("type").asText()).isEqualTo("/problems/invalid-request");
    }

    @Test
    @Order(5)
    void theLinesOfInstancesReplacedByARedeployAreStillRead() {
        List<String> before = ids(api.get("/api/apps/" + app + "/instances?stats=false", admin).json());
        assertSucceeded(api.post("/api/apps/" + app + "/deploys", admin, "{\"image\":" + Api.q(env.get("image.v2"))
                + "}"));
        assertThat(ids(api.get("/api/apps/" + app + "/instances?stats=false", admin).json()))
                .doesNotContainAnyElementsOf(before);

        JsonNode log = api.get("/api/apps/" + app + "/logs?tail=2000&instance=" + firstInstance, admin).json();
        assertThat(text(log)).contains("GET /env/GREETING HTTP/1.1 200")
                .anySatisfy(l -> assertThat(l).startsWith("exiting after drain"));
        assertThat(log).allSatisfy(e -> assertThat(e.get("instance").asText()).isEqualTo(firstInstance));
    }

    // ---- helpers ----

    private void assertSucceeded(Api.Response accepted) {
        if (accepted.status() == 200) {
            return;
        }
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String id = accepted.json().get("id").asText();
        JsonNode d = await().atMost(DEPLOY).pollInterval(POLL).until(() -> api.get("/api/deploys/" + id, admin)
                .json(), j -> j.get("status").asText().matches("succeeded|failed"));
        assertThat(d.get("status").asText()).as(d.toString()).isEqualTo("succeeded");
    }

    /** Opens a stream with the admin token; lines are collected as they come; completes when the server ends it. */
    private CompletableFuture<Void> stream(String path, String accept, List<String> lines) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(dist.baseUrl() + path))
                .header("Authorization", "Bearer " + admin);
        if (accept != null) {
            b.header("Accept", accept);
        }
        CompletableFuture<HttpResponse<Stream<String>>> f = http.sendAsync(b.build(),
                HttpResponse.BodyHandlers.ofLines());
        streams.add(f);
        return f.thenAccept(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            r.body().forEach(lines::add);
        });
    }

    private static List<String> data(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    }

    private static List<String> text(JsonNode log) {
        List<String> out = new ArrayList<>();
        log.forEach(e -> out.add(e.get("line").asText()));
        return out;
    }

    private static List<String> ids(JsonNode instances) {
        List<String> out = new ArrayList<>();
        instances.forEach(i -> out.add(i.get("id").asText()));
        return out;
    }

    private List<String> runContainers(int n, String runId) throws IOException, InterruptedException {
        return Docker.run(env.tcpUrl(n), "ps", "-aq", "--filter", "label=org.dockerera.run=" + runId).lines()
                .map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    private String httpGet(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
