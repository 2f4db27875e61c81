package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.dockerera.api.Deploy;
import org.dockerera.api.DeployRequest;
import org.dockerera.api.events.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/deploys/{id}/events}: one deploy's events over SSE (or as a JSON array), through HTTP. */
class DeployEventsTest {
    ApiServer server;
    FakeApps apps;
    Deploy deploy;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final List<CompletableFuture<?>> streams = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = new ApiServer();
        apps = server.services.apps;
        apps.create(AppSpec.named("web.test"));
        deploy = apps.deployService.deploy("web.test", new DeployRequest("a/b:1", null), "t");
        apps.record(event("deploy.queued", deploy.id(), "queued"));
    }

    @AfterEach
    void stop() throws Exception {
        streams.forEach(f -> f.cancel(true));
        server.close();
    }

    static Event event(String type, String deployId, String message) {
        return new Event(type, Instant.now(), "web.test", null, null, deployId, message);
    }

    /** Opens the stream; lines are collected as they come, the future completes when the server ends it. */
    CompletableFuture<Void> follow(String id, List<String> lines) {
        CompletableFuture<HttpResponse<Stream<String>>> f = http.sendAsync(HttpRequest.newBuilder(
                        server.uri("/api/deploys/" + id + "/events")).header("Authorization", "Bearer " + ApiServer.READ)
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        streams.add(f);
        return f.thenAccept(r -> r.body().forEach(lines::add));
    }

    static List<String> eventLines(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("event: ")).toList();
    }

    @Test
    void replaysStoredEventsFollowsLiveOnesAndEndsAfterSucceeded() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reading = follow(deploy.id(), lines);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: deploy.queued"));

        server.services.events.publish(event("deploy.progress", "d-other", "not this one"));
        server.services.events.publish(new Event("instance.started", Instant.now(), "web.test", "h1", 1, deploy.id(),
                "started", "i-1"));
        apps.finish(deploy.id(), true);

        reading.get(10, TimeUnit.SECONDS); // the server ended the stream
        assertThat(eventLines(lines)).containsExactly("event: deploy.queued", "event: instance.started",
                "event: deploy.succeeded");
        assertThat(String.join("\n", lines)).doesNotContain("not this one")
                .contains("\"instance\":\"i-1\"", "\"deployId\":\"" + deploy.id() + "\"");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.services.events.subscribers.isEmpty());
    }

    @Test
    void endsAfterDeployFailed() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reading = follow(deploy.id(), lines);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: deploy.queued"));

        apps.finish(deploy.id(), false);

        reading.get(10, TimeUnit.SECONDS);
        assertThat(eventLines(lines)).containsExactly("event: deploy.queued", "event: deploy.failed");
    }

    @Test
    void anEventPublishedWhileTheStoredOnesAreReadIsNeitherLostNorSentTwice() throws Exception {
        Event stored = event("deploy.started", deploy.id(), "stored and published meanwhile");
        Event live = event("deploy.progress", deploy.id(), "published meanwhile, not yet stored");
        apps.whileReadingEvents = () -> {
            apps.whileReadingEvents = () -> { };
            apps.record(stored);
            server.services.events.publish(live);
        };
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reading = follow(deploy.id(), lines);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: deploy.progress"));

        apps.finish(deploy.id(), true);

        reading.get(10, TimeUnit.SECONDS);
        assertThat(eventLines(lines)).containsExactly("event: deploy.queued", "event: deploy.started",
                "event: deploy.progress", "event: deploy.succeeded");
    }

    @Test
    void aFinishedDeployIsReplayedAndTheStreamEndsAtOnce() throws Exception {
        apps.finish(deploy.id(), true);

        HttpResponse<String> done = http.send(HttpRequest.newBuilder(server.uri("/api/deploys/" + deploy.id()
                        + "/events")).header("Authorization", "Bearer " + ApiServer.READ).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.headers().firstValue("Content-Type")).hasValueSatisfying(ct ->
                assertThat(ct).startsWith("text/event-stream"));
        assertThat(done.body()).contains("event: deploy.queued", "event: deploy.succeeded");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.services.events.subscribers.isEmpty());
    }

    @Test
    void aDeployThatReadsFinishedBeforeItsFinalEventIsPublishedStillGetsThatEvent() throws Exception {
        // the engine's order: the deploy is marked finished, then its final event is stored and published
        apps.markFinished(deploy.id(), true);
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reading = follow(deploy.id(), lines);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: deploy.queued"));
        assertThat(reading).as("the stream waits for the final event").isNotDone();

        apps.record(event("deploy.succeeded", deploy.id(), "done"));

        reading.get(10, TimeUnit.SECONDS);
        assertThat(eventLines(lines)).containsExactly("event: deploy.queued", "event: deploy.succeeded");
    }

    @Test
    void acceptApplicationJsonAnswersTheStoredEventsAsAnArray() {
        ApiServer.Res res = server.call("GET", "/api/deploys/" + deploy.id() + "/events").bearer(ApiServer.READ)
                .header("Accept", "application/json").send();

        assertThat(res.status).isEqualTo(200);
        assertThat(res.contentType()).startsWith("application/json");
        assertThat(res.json()).extracting(n -> n.path("type").asText()).containsExactly("deploy.queued");
        assertThat(server.services.events.subscribers).isEmpty();
    }

    @Test
    void anUnknownDeployIs404ProblemJsonAndSubscribesNothing() {
        ApiServer.Res res = server.call("GET", "/api/deploys/d-nope/events").bearer(ApiServer.READ)
                .header("Accept", "text/event-stream").send();

        assertThat(res.status).isEqualTo(404);
        assertThat(res.contentType()).startsWith("application/problem+json");
        assertThat(res.problemType()).isEqualTo("/problems/deploy-not-found");
        assertThat(server.services.events.subscribers).isEmpty();
        assertThat(server.api.openEventStreams()).isZero();
    }

    @Test
    void withoutAnEventBusTheStreamIs503() {
        server.services.events = null;

        ApiServer.Res res = server.get("/api/deploys/" + deploy.id() + "/events", ApiServer.READ);

        assertThat(res.status).isEqualTo(503);
        assertThat(res.problemType()).isEqualTo("/problems/service-unavailable");
    }

    @Test
    void headDoesNotOpenAStream() {
        ApiServer.Res res = server.call("HEAD", "/api/deploys/" + deploy.id() + "/events").bearer(ApiServer.READ).send();

        assertThat(res.status).isEqualTo(200);
        assertThat(res.contentType()).startsWith("text/event-stream");
        assertThat(server.services.events.subscribers).isEmpty();
        assertThat(server.api.openEventStreams()).isZero();
    }

    @Test
    void aDeployTokenAndAnAdminTokenMayFollowButARouterTokenMayNot() {
        apps.finish(deploy.id(), true);
        for (String token : List.of(ApiServer.ADMIN, ApiServer.DEPLOY, ApiServer.READ)) {
            assertThat(server.call("GET", "/api/deploys/" + deploy.id() + "/events").bearer(token)
                    .header("Accept", "application/json").send().status).as(token).isEqualTo(200);
        }
        assertThat(server.get("/api/deploys/" + deploy.id() + "/events", ApiServer.ROUTER).status).isEqualTo(403);
    }
}
