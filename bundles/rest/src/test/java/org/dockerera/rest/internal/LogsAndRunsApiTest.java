package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dockerera.api.AppSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 6 over HTTP on recording fakes: an app's log as JSON and as a followed stream, instance stats, one-off runs
 * and their output. {@code web.test} is deployed (release 2 active); {@code new.test} never was.
 */
class LogsAndRunsApiTest {
    ApiServer server;
    FakeLogsAndRuns fake;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final List<CompletableFuture<?>> streams = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = new ApiServer();
        server.services.apps.create(AppSpec.named("web.test"));
        server.services.apps.deployed("web.test");
        server.services.apps.create(AppSpec.named("new.test"));
        fake = server.services.logsAndRuns;
        fake.write("web.test", FakeLogsAndRuns.entry(1, "i-1", "stdout", "listening on :8080"));
        fake.write("web.test", FakeLogsAndRuns.entry(2, "i-2", "stderr", "warning: slow disk"));
        fake.write("web.test", FakeLogsAndRuns.entry(3, "i-1", "stdout", "GET / HTTP/1.1 200"));
    }

    @AfterEach
    void stop() throws Exception {
        streams.forEach(f -> f.cancel(true));
        server.close();
    }

    /** Opens a stream; lines are collected as they come, the future completes when the server ends it. */
    CompletableFuture<Void> stream(String path, String accept, List<String> lines) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer "
                + ApiServer.READ);
        if (accept != null) {
            b.header("Accept", accept);
        }
        CompletableFuture<HttpResponse<Stream<String>>> f = http.sendAsync(b.build(),
                HttpResponse.BodyHandlers.ofLines());
        streams.add(f);
        return f.thenAccept(r -> r.body().forEach(lines::add));
    }

    static List<String> data(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    }

    // ---- logs ----

    @Test
    void theLogIsAJsonArrayOfLinesOldestFirstWithTheContractsFields() {
        ApiServer.Res res = server.get("/api/apps/web.test/logs", ApiServer.READ);

        assertThat(res.status).isEqualTo(200);
        assertThat(res.contentType()).startsWith("application/json");
        assertThat(res.json()).hasSize(3);
        JsonNode first = res.json().get(0);
        assertThat(first.fieldNames()).toIterable().containsExactlyInAnyOrder("time", "instance", "release", "stream",
                "line");
        assertThat(first.path("time").asText()).isEqualTo("2026-12-04T15:00:01.123456789Z");
        assertThat(first.path("instance").asText()).isEqualTo("i-1");
        assertThat(first.path("release").asInt()).isEqualTo(2);
        assertThat(first.path("stream").asText()).isEqualTo("stdout");
        assertThat(first.path("line").asText()).isEqualTo("listening on :8080");
        assertThat(res.json().get(1).path("stream").asText()).isEqualTo("stderr");
        assertThat(fake.calls).containsExactly("logs web.test null null null");
    }

    @Test
    void tailSinceAndInstanceArePassedOnAndSinceTakesDurationsAndInstants() {
        assertThat(server.get("/api/apps/web.test/logs?tail=1", ApiServer.READ).json()).singleElement()
                .satisfies(n -> assertThat(n.path("line").asText()).isEqualTo("GET / HTTP/1.1 200"));
        assertThat(server.get("/api/apps/web.test/logs?instance=i-2", ApiServer.READ).json()).singleElement()
                .satisfies(n -> assertThat(n.path("instance").asText()).isEqualTo("i-2"));
        assertThat(server.get("/api/apps/web.test/logs?since=2026-12-04T15:00:02.5Z", ApiServer.READ).json())
                .hasSize(1);
        assertThat(server.get("/api/apps/web.test/logs?tail=0", ApiServer.READ).json()).isEmpty();
        assertThat(fake.calls).containsExactly("logs web.test 1 null null", "logs web.test null null i-2",
                "logs web.test null 2026-12-04T15:00:02.500Z null", "logs web.test 0 null null");

        Instant before = Instant.now();
        server.get("/api/apps/web.test/logs?since=10m", ApiServer.READ);
        Instant since = Instant.parse(fake.calls.get(fake.calls.size() - 1).split(" ")[3]);
        assertThat(since).isBetween(before.minusSeconds(600), Instant.now().minusSeconds(600));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tail=-1", "tail=abc", "tail=10001", "since=yesterday", "since=10x", "follow=maybe"})
    void aBadQueryParameterIs400(String query) {
        ApiServer.Res res = server.get("/api/apps/web.test/logs?" + query, ApiServer.READ);

        AppsApiTest.problem(res, 400, "invalid-parameter");
        assertThat(res.json().path("detail").asText()).contains(query.substring(0, query.indexOf('=')));
    }

    @Test
    void anUnknownAppIs404AlsoWhenFollowed() {
        AppsApiTest.problem(server.get("/api/apps/nope.test/logs", ApiServer.READ), 404, "app-not-found");
        AppsApiTest.problem(server.get("/api/apps/nope.test/logs?follow=true", ApiServer.READ), 404,
                "app-not-found");
        AppsApiTest.problem(server.call("GET", "/api/apps/nope.test/logs").bearer(ApiServer.READ)
                .header("Accept", "text/event-stream").send(), 404, "app-not-found");
    }

    @Test
    void aFollowedLogSendsTheBacklogAsLogEventsThenNewLinesAndClosesItsSourceWhenTheClientGoes() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reading = stream("/api/apps/web.test/logs?tail=2", "text/event-stream", lines);
        await().atMost(Duration.ofSeconds(10)).until(() -> data(lines).size() == 2);
        assertThat(lines).filteredOn(l -> l.startsWith("event: ")).containsOnly("event: log");
        assertThat(server.json(data(lines).get(0)).path("line").asText()).isEqualTo("warning: slow disk");

        fake.write("web.test", FakeLogsAndRuns.entry(9, "i-3", "stdout", "a new instance"));
        fake.write("other.test", FakeLogsAndRuns.entry(9, "i-9", "stdout", "another app"));

        await().atMost(Duration.ofSeconds(10)).until(() -> data(lines).size() == 3);
        JsonNode live = server.json(data(lines).get(2));
        assertThat(live.path("instance").asText()).isEqualTo("i-3");
        assertThat(live.path("line").asText()).isEqualTo("a new instance");
        assertThat(fake.calls).containsExactly("follow web.test 2 null null");
        assertThat(reading).isNotDone();
    }

    @Test
    void aClientThatGoesAwayClosesItsFollowedLogAtTheNextHeartbeat() throws Exception {
        server.close();
        server = new ApiServer(new RestSettings(Duration.ofHours(12), Duration.ofSeconds(60), Duration.ofMillis(50),
                64 * 1024, 1000));
        server.services.apps.create(AppSpec.named("web.test"));
        fake = server.services.logsAndRuns;
        fake.write("web.test", FakeLogsAndRuns.entry(1, "i-1", "stdout", "hello"));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port)) {
            socket.getOutputStream().write(("GET /api/apps/web.test/logs?follow=true HTTP/1.0\r\nAuthorization: "
                    + "Bearer " + ApiServer.READ + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            String line;
            List<String> seen = new CopyOnWriteArrayList<>();
            while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                seen.add(line);
            }
            assertThat(line).contains("\"line\":\"hello\"");
            assertThat(seen).contains("HTTP/1.1 200 OK", "event: log");
            assertThat(fake.openFollowers()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.openFollowers() == 0);
        assertThat(server.api.openEventStreams()).isZero();
    }

    @Test
    void followTrueStreamsWithoutTheAcceptHeader() {
        List<String> lines = new CopyOnWriteArrayList<>();
        stream("/api/apps/web.test/logs?follow=true&instance=i-1", null, lines);

        await().atMost(Duration.ofSeconds(10)).until(() -> data(lines).size() == 2);
        assertThat(data(lines)).allSatisfy(d -> assertThat(server.json(d).path("instance").asText()).isEqualTo("i-1"));
    }

    // ---- instances ----

    @Test
    void instancesCarryTheirStatsOrNullWhenUnknown() {
        JsonNode list = server.get("/api/apps/web.test/instances", ApiServer.READ).json();

        assertThat(list.get(0).path("stats").path("cpuPercent").asDouble()).isEqualTo(0.4);
        assertThat(list.get(0).path("stats").path("memoryBytes").asLong()).isEqualTo(1234567);
        assertThat(list.get(0).path("stats").path("memoryLimitBytes").asLong()).isEqualTo(268435456);
        assertThat(list.get(1).has("stats")).as("present, null").isTrue();
        assertThat(list.get(1).path("stats").isNull()).isTrue();
        JsonNode without = server.get("/api/apps/web.test/instances?stats=false", ApiServer.READ).json();
        assertThat(without).singleElement().satisfies(i -> assertThat(i.path("stats").isNull()).isTrue());
        assertThat(server.services.apps.calls).endsWith("instances web.test stats=true",
                "instances web.test stats=false");
    }

    // ---- runs ----

    @Test
    void aRunIsStartedWith201AndItsLocationAndReadBack() {
        ApiServer.Res res = server.post("/api/apps/web.test/runs", ApiServer.DEPLOY,
                "{\"command\": [\"/testapp\", \"--version\"], \"env\": {\"K\": \"V\"}}");

        assertThat(res.status).as(res.toString()).isEqualTo(201);
        assertThat(res.header("Location")).isEqualTo("/api/apps/web.test/runs/r-1");
        JsonNode run = res.json();
        assertThat(run.fieldNames()).toIterable().containsExactlyInAnyOrder("id", "app", "release", "image", "host",
                "command", "status", "exitCode", "created");
        assertThat(run.path("id").asText()).isEqualTo("r-1");
        assertThat(run.path("app").asText()).isEqualTo("web.test");
        assertThat(run.path("release").asInt()).isEqualTo(2);
        assertThat(run.path("image").asText()).contains("@sha256:");
        assertThat(run.path("host").asText()).isEqualTo("h1");
        assertThat(run.path("command")).extracting(JsonNode::asText).containsExactly("/testapp", "--version");
        assertThat(run.path("status").asText()).isEqualTo("running");
        assertThat(run.path("exitCode").isNull()).isTrue();
        assertThat(fake.calls).containsExactly("run web.test [/testapp, --version] {K=V} by deploy-token");

        fake.runs.get("r-1").exit(3);
        JsonNode done = server.get("/api/apps/web.test/runs/r-1", ApiServer.READ).json();
        assertThat(done.path("status").asText()).isEqualTo("exited");
        assertThat(done.path("exitCode").asInt()).isEqualTo(3);
        assertThat(done.path("finished").asText()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"command\": []}", "{\"command\": \"/testapp --version\"}",
            "{\"command\": [\"/testapp\", 5]}", "{\"command\": [\"/testapp\", null]}", "{\"command\": [\" \"]}",
            "{\"command\": [\"/testapp\"], \"env\": {\"1A\": \"b\"}}",
            "{\"command\": [\"/testapp\"], \"env\": {\"A\": 1}}", "{\"command\": [\"/testapp\"], \"user\": \"root\"}"})
    void aBadRunBodyIs422InvalidRequest(String body) {
        AppsApiTest.problem(server.post("/api/apps/web.test/runs", ApiServer.DEPLOY, body), 422, "invalid-request");
        assertThat(fake.runs).isEmpty();
    }

    @Test
    void anAppWithoutActiveReleaseIs409AndAnUnknownRunOrApp404() {
        AppsApiTest.problem(server.post("/api/apps/new.test/runs", ApiServer.DEPLOY, "{\"command\": [\"/x\"]}"), 409,
                "not-deployed");
        AppsApiTest.problem(server.post("/api/apps/nope.test/runs", ApiServer.DEPLOY, "{\"command\": [\"/x\"]}"), 404,
                "app-not-found");
        AppsApiTest.problem(server.get("/api/apps/web.test/runs/r-9", ApiServer.READ), 404, "run-not-found");
        AppsApiTest.problem(server.get("/api/apps/web.test/runs/r-9/output", ApiServer.READ), 404, "run-not-found");
        AppsApiTest.problem(server.delete("/api/apps/web.test/runs/r-9", ApiServer.DEPLOY), 404, "run-not-found");
        AppsApiTest.problem(server.post("/api/apps/web.test/runs", ApiServer.READ, "{\"command\": [\"/x\"]}"), 403,
                "forbidden");
    }

    @Test
    void aRunsOutputStreamsEveryLineFromItsStartThenItsExitAndEnds() throws Exception {
        server.post("/api/apps/web.test/runs", ApiServer.DEPLOY, "{\"command\": [\"/testapp\", \"--echo\"]}");
        FakeLogsAndRuns.FakeRun run = fake.runs.get("r-1");
        run.print("stdout", "echo");
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reading = stream("/api/apps/web.test/runs/r-1/output", null, lines);
        await().atMost(Duration.ofSeconds(10)).until(() -> data(lines).size() == 1);

        run.print("stderr", "oops");
        run.exit(3);

        reading.get(10, TimeUnit.SECONDS); // the server ended the stream
        assertThat(lines).filteredOn(l -> l.startsWith("event: ")).containsExactly("event: output", "event: output",
                "event: exit");
        assertThat(data(lines)).containsExactly("{\"stream\":\"stdout\",\"line\":\"echo\"}",
                "{\"stream\":\"stderr\",\"line\":\"oops\"}", "{\"exitCode\":3}");

        List<String> late = new CopyOnWriteArrayList<>();
        stream("/api/apps/web.test/runs/r-1/output", "text/event-stream", late).get(10, TimeUnit.SECONDS);
        assertThat(data(late)).as("a late reader gets it all").isEqualTo(data(lines));
    }

    @Test
    void deletingARunAnswers204AndItIsGone() {
        server.post("/api/apps/web.test/runs", ApiServer.DEPLOY, "{\"command\": [\"/testapp\"]}");

        ApiServer.Res res = server.delete("/api/apps/web.test/runs/r-1", ApiServer.DEPLOY);

        assertThat(res.status).isEqualTo(204);
        assertThat(fake.calls).contains("remove run r-1");
        AppsApiTest.problem(server.get("/api/apps/web.test/runs/r-1", ApiServer.READ), 404, "run-not-found");
    }
}
