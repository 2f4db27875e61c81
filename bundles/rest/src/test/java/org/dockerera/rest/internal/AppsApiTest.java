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
import java.util.stream.Stream;
import org.dockerera.api.AppSpec;
import org.dockerera.api.Deploy;
import org.dockerera.api.events.Event;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Apps, deploys, env, releases, instances, hosts' maintenance, routes and routers through HTTP on recording fakes. */
class AppsApiTest {
    ApiServer server;
    FakeApps apps;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final List<CompletableFuture<?>> streams = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = new ApiServer();
        apps = server.services.apps;
        apps.create(AppSpec.named("web.test"));
        apps.calls.clear();
    }

    @AfterEach
    void stop() throws Exception {
        streams.forEach(f -> f.cancel(true));
        server.close();
    }

    @Test
    void appsAreCreatedListedAndRefusedWithTheirOwnProblemTypes() {
        ApiServer.Res created = server.post("/api/apps", ApiServer.DEPLOY,
                "{\"name\":\"shop.test\",\"instances\":3,\"port\":8000,\"health\":{\"path\":\"/health\",\"intervalMs\":1000}}");
        assertThat(created.status).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/apps/shop.test");
        assertThat(created.json().path("instances").asInt()).isEqualTo(3);
        assertThat(created.json().path("type").asText()).isEqualTo("web");
        assertThat(created.json().path("health").path("timeoutMs").asInt()).as("defaults filled").isEqualTo(1000);
        assertThat(server.get("/api/apps", ApiServer.READ).json()).extracting(n -> n.path("name").asText())
                .containsExactly("shop.test", "web.test");

        assertThat(server.post("/api/apps", ApiServer.DEPLOY, "{\"name\":\"Bad_Name\"}").problemType())
                .isEqualTo("/problems/invalid-app-name");
        ApiServer.Res negative = server.post("/api/apps", ApiServer.DEPLOY, "{\"name\":\"n.test\",\"instances\":-1}");
        assertThat(negative.status).isEqualTo(422);
        assertThat(negative.problemType()).isEqualTo("/problems/invalid-instances");
        assertThat(server.post("/api/apps", ApiServer.DEPLOY, "{\"name\":\"shop.test\"}").status).isEqualTo(409);
        assertThat(server.post("/api/apps", ApiServer.DEPLOY, "{\"name\":").status).isEqualTo(400);
        assertThat(server.post("/api/apps", ApiServer.DEPLOY, "{\"name\":\"x.test\",\"instances\":\"2\"}").status)
                .isEqualTo(422);
        ApiServer.Res unknown = server.get("/api/apps/nope.test", ApiServer.READ);
        assertThat(unknown.status).isEqualTo(404);
        assertThat(unknown.problemType()).isEqualTo("/problems/app-not-found");
        assertThat(server.post("/api/apps", ApiServer.READ, "{\"name\":\"r.test\"}").status).isEqualTo(403);
    }

    @Test
    void aDeployAnswers202WithTheDeployToFollowAndExplainChangesNothing() {
        ApiServer.Res res = server.post("/api/apps/web.test/deploys", ApiServer.DEPLOY,
                "{\"image\":\"127.0.0.1:5000/web:v2\",\"instances\":3}");
        assertThat(res.status).isEqualTo(202);
        String id = res.json().path("id").asText();
        assertThat(id).isNotBlank();
        assertThat(res.header("Location")).isEqualTo("/api/deploys/" + id);
        assertThat(res.json().path("status").asText()).isEqualTo("pending");
        assertThat(apps.calls).containsExactly("deploy web.test 127.0.0.1:5000/web:v2 3 by deploy-token");
        assertThat(server.get("/api/deploys/" + id, ApiServer.READ).json().path("app").asText()).isEqualTo("web.test");
        assertThat(server.get("/api/apps/web.test/deploys", ApiServer.READ).json()).hasSize(1);

        ApiServer.Res explain = server.post("/api/apps/web.test/deploys?explain=true", ApiServer.DEPLOY,
                "{\"image\":\"127.0.0.1:5000/web:v2\",\"instances\":2}");
        assertThat(explain.status).isEqualTo(200);
        assertThat(explain.json().path("placements").get(0).path("hostId").asText()).isEqualTo("h1");
        assertThat(explain.json().path("rejections").path("h2").get(0).asText()).isEqualTo("down");
        assertThat(explain.json().path("complete").asBoolean()).isFalse();
        assertThat(apps.calls).hasSize(2).last().isEqualTo("explain web.test 2");

        assertThat(server.post("/api/apps/web.test/deploys", ApiServer.DEPLOY, "{\"image\":\"UPPER/bad::tag\"}")
                .problemType()).isEqualTo("/problems/invalid-image");
        assertThat(server.post("/api/apps/web.test/deploys", ApiServer.DEPLOY, "{\"image\":\"a/b:1\",\"instances\":-2}")
                .problemType()).isEqualTo("/problems/invalid-instances");
        assertThat(server.post("/api/apps/nope.test/deploys", ApiServer.DEPLOY, "{\"image\":\"a/b:1\"}").status)
                .isEqualTo(404);
        assertThat(server.post("/api/apps/web.test/deploys", ApiServer.READ, "{\"image\":\"a/b:1\"}").status)
                .isEqualTo(403);
        assertThat(server.get("/api/deploys/d-nope", ApiServer.READ).problemType())
                .isEqualTo("/problems/deploy-not-found");
        assertThat(apps.calls).hasSize(2);
    }

    @Test
    void envIsAMergePatchAndSecretsAreMasked() {
        ApiServer.Res patched = server.call("PATCH", "/api/apps/web.test/env").bearer(ApiServer.DEPLOY)
                .header("Content-Type", "application/merge-patch+json").json("{\"GREETING\":\"hi\",\"OLD\":null}").send();
        assertThat(patched.status).isEqualTo(202);
        assertThat(apps.calls).containsExactly("env web.test {GREETING=hi, OLD=<unset>} by deploy-token");
        ApiServer.Res wrongType = server.call("PATCH", "/api/apps/web.test/env").bearer(ApiServer.DEPLOY)
                .json("{\"N\":5}").send();
        assertThat(wrongType.status).isEqualTo(422);
        assertThat(wrongType.problemType()).isEqualTo("/problems/invalid-env");
        assertThat(server.call("PATCH", "/api/apps/web.test/env").bearer(ApiServer.DEPLOY).json("[1]").send().status)
                .isEqualTo(422);

        ApiServer.Res secret = server.call("PUT", "/api/apps/web.test/env/TOKEN").bearer(ApiServer.DEPLOY)
                .json("{\"value\":\"s3cr3t\",\"secret\":true}").send();
        assertThat(secret.status).isEqualTo(200);
        assertThat(secret.body).doesNotContain("s3cr3t").contains("********");
        assertThat(server.get("/api/apps/web.test/env", ApiServer.READ).body).doesNotContain("s3cr3t");
        assertThat(server.delete("/api/apps/web.test/env/GREETING", ApiServer.DEPLOY).status).isEqualTo(202);
        assertThat(apps.calls).last().isEqualTo("env web.test {GREETING=<unset>} by deploy-token");
    }

    @Test
    void rollbackScaleRestartPatchAndDeleteAnswer202AndMetadataChanges200() {
        assertThat(server.call("POST", "/api/apps/web.test/rollback").bearer(ApiServer.DEPLOY).send().status)
                .as("no body").isEqualTo(202);
        assertThat(server.post("/api/apps/web.test/rollback", ApiServer.DEPLOY, "{}").status).isEqualTo(202);
        assertThat(server.post("/api/apps/web.test/rollback", ApiServer.DEPLOY, "{\"release\":1}").status)
                .isEqualTo(202);
        assertThat(server.call("PUT", "/api/apps/web.test/scale").bearer(ApiServer.DEPLOY).json("{\"instances\":4}")
                .send().status).isEqualTo(202);
        assertThat(server.call("PUT", "/api/apps/web.test/scale").bearer(ApiServer.DEPLOY).json("{\"instances\":-1}")
                .send().problemType()).isEqualTo("/problems/invalid-instances");
        assertThat(server.call("PUT", "/api/apps/web.test/scale").bearer(ApiServer.DEPLOY).json("{}").send().status)
                .isEqualTo(422);
        assertThat(server.post("/api/apps/web.test/restart", ApiServer.DEPLOY, null).status).isEqualTo(202);
        assertThat(server.call("PATCH", "/api/apps/web.test").bearer(ApiServer.DEPLOY).json("{\"drainTimeoutMs\":500}")
                .send().status).isEqualTo(200);
        assertThat(server.call("PATCH", "/api/apps/web.test").bearer(ApiServer.DEPLOY).json("{\"instances\":5}")
                .send().status).isEqualTo(202);
        assertThat(server.delete("/api/apps/web.test", ApiServer.DEPLOY).status).isEqualTo(202);
        assertThat(apps.calls).containsExactly("rollback web.test null by deploy-token",
                "rollback web.test null by deploy-token", "rollback web.test 1 by deploy-token",
                "scale web.test 4 by deploy-token", "restart web.test by deploy-token", "patch web.test by deploy-token",
                "patch web.test by deploy-token", "remove web.test by deploy-token");
    }

    @Test
    void releasesAndInstancesAreListedWithHealth() {
        JsonNode releases = server.get("/api/apps/web.test/releases", ApiServer.READ).json();
        assertThat(releases).extracting(n -> n.path("version").asInt()).containsExactly(2, 1);
        assertThat(releases.get(0).path("status").asText()).isEqualTo("active");
        assertThat(server.get("/api/apps/web.test/releases/1", ApiServer.READ).json().path("status").asText())
                .isEqualTo("superseded");
        assertThat(server.get("/api/apps/web.test/releases/first", ApiServer.READ).problemType())
                .isEqualTo("/problems/release-not-found");
        JsonNode instance = server.get("/api/apps/web.test/instances", ApiServer.READ).json().get(0);
        assertThat(instance.path("address").asText()).isEqualTo("127.0.0.2:32768");
        assertThat(instance.path("health").asText()).isEqualTo("healthy");
        assertThat(instance.path("release").asInt()).isEqualTo(2);
        assertThat(instance.path("hostId").asText()).isEqualTo("h1");
    }

    @Test
    void hostsAreCordonedAndDrainedByAdminsOnly() {
        server.services.hosts.hosts.put("h1", Fakes.host("h1", "tcp://127.0.0.2:2375"));
        assertThat(server.post("/api/hosts/h1/cordon", ApiServer.ADMIN, null).json().path("schedulable").asBoolean())
                .isTrue();
        assertThat(server.post("/api/hosts/h1/drain", ApiServer.ADMIN, null).status).isEqualTo(200);
        assertThat(server.post("/api/hosts/h1/uncordon", ApiServer.ADMIN, null).status).isEqualTo(200);
        assertThat(server.post("/api/hosts/h1/drain", ApiServer.DEPLOY, null).status).isEqualTo(403);
        assertThat(server.services.hosts.maintenance).containsExactly("cordon h1", "drain h1", "uncordon h1");
    }

    @Test
    void aDeploysEventStreamReplaysItsEventsFollowsLiveOnesAndEndsWithTheDeploy() throws Exception {
        Deploy d = apps.deployService.deploy("web.test", new org.dockerera.api.DeployRequest("a/b:1", null), "t");
        Event queued = new Event("deploy.queued", Instant.now(), "web.test", null, null, d.id(), "queued");
        apps.deployEvents.computeIfAbsent(d.id(), k -> new CopyOnWriteArrayList<>()).add(queued);
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Stream<String>>> f = http.sendAsync(HttpRequest.newBuilder(
                        server.uri("/api/deploys/" + d.id() + "/events")).header("Authorization", "Bearer "
                        + ApiServer.READ).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        streams.add(f);
        CompletableFuture<Void> reading = f.thenAccept(r -> r.body().forEach(lines::add));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: deploy.queued"));
        server.services.events.publish(new Event("deploy.progress", Instant.now(), "web.test", null, null, "d-other",
                "not this one"));
        server.services.events.publish(new Event("instance.started", Instant.now(), "web.test", "h1", 1, d.id(),
                "started", "i-1"));
        apps.finish(d.id(), true);
        reading.get(10, java.util.concurrent.TimeUnit.SECONDS); // the server ended the stream
        assertThat(lines).filteredOn(l -> l.startsWith("event: ")).containsExactly("event: deploy.queued",
                "event: instance.started", "event: deploy.succeeded");
        assertThat(String.join("\n", lines)).doesNotContain("not this one");

        ApiServer.Res json = server.call("GET", "/api/deploys/" + d.id() + "/events").bearer(ApiServer.READ)
                .header("Accept", "application/json").send();
        assertThat(json.json()).extracting(n -> n.path("type").asText()).containsExactly("deploy.queued",
                "deploy.succeeded");
        // a finished deploy's stream replays and ends at once
        HttpResponse<String> done = http.send(HttpRequest.newBuilder(server.uri("/api/deploys/" + d.id() + "/events"))
                .header("Authorization", "Bearer " + ApiServer.READ).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(done.body()).contains("event: deploy.succeeded");
    }

    @Test
    void routersRegisterFollowTheTableFeedAckAndLeave() throws Exception {
        assertThat(server.get("/api/routes", ApiServer.ROUTER).json().path("epoch").asLong()).isEqualTo(1);
        assertThat(server.get("/api/routes", ApiServer.READ).json().path("routes").get(0).path("host").asText())
                .isEqualTo("a.test");
        ApiServer.Res reg = server.post("/api/routers", ApiServer.ROUTER,
                "{\"type\":\"builtin\",\"url\":\"http://127.0.0.1:8080\"}");
        assertThat(reg.status).isEqualTo(201);
        String id = reg.json().path("id").asText();
        assertThat(reg.json().path("leaseMs").asLong()).isEqualTo(10_000);
        assertThat(server.post("/api/routers", ApiServer.ROUTER, "{\"type\":\"builtin\",\"url\":\"http://0.0.0.0:80\"}")
                .problemType()).isEqualTo("/problems/invalid-router");
        assertThat(server.post("/api/routers", ApiServer.READ, "{\"type\":\"builtin\",\"url\":\"http://h:1\"}").status)
                .isEqualTo(403);

        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Stream<String>>> f = http.sendAsync(HttpRequest.newBuilder(
                        server.uri("/api/routes/stream")).header("Authorization", "Bearer " + ApiServer.ROUTER)
                .header("Last-Event-ID", "1").build(), HttpResponse.BodyHandlers.ofLines());
        streams.add(f);
        f.thenAccept(r -> r.body().forEach(lines::add));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("id: 1"));
        server.services.routes.publish(new RouteTable(2, List.of(new Route("a.test", "a.test",
                List.of("127.0.0.2:1", "127.0.0.3:2")))));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("id: 2"));
        assertThat(lines).contains("event: routes");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("data: {\"epoch\":2").contains("127.0.0.3:2"));

        assertThat(server.post("/api/routers/" + id + "/ack", ApiServer.ROUTER, "{\"epoch\":2}").status).isEqualTo(200);
        assertThat(server.post("/api/routers/" + id + "/ack", ApiServer.ROUTER, "{\"epoch\":2,\"stats\":{\"a.test\":"
                + "{\"requests\":7,\"statuses\":{\"2xx\":7},\"retries\":1,\"latencyBuckets\":{\"5\":6,\"+Inf\":7}}}}")
                .status).isEqualTo(200);
        JsonNode stats = server.get("/api/routers/" + id + "/stats", ApiServer.READ).json();
        assertThat(stats.path("a.test").path("requests").asLong()).isEqualTo(7);
        assertThat(stats.path("a.test").path("retries").asLong()).isEqualTo(1);
        assertThat(server.post("/api/routers/" + id + "/ack", ApiServer.ROUTER, "{}").status).isEqualTo(422);
        assertThat(server.get("/api/routers", ApiServer.READ).json().get(0).path("epoch").asLong()).isEqualTo(2);
        assertThat(server.delete("/api/routers/" + id, ApiServer.ROUTER).status).isEqualTo(204);
        assertThat(server.post("/api/routers/" + id + "/ack", ApiServer.ROUTER, "{\"epoch\":2}").problemType())
                .isEqualTo("/problems/router-not-found");
        assertThat(server.get("/api/apps", ApiServer.ROUTER).status).as("a router token reads routes only")
                .isEqualTo(403);
    }

    @Test
    void domainsAreAddedListedAndRemoved() {
        ApiServer.Res added = server.post("/api/apps/web.test/domains", ApiServer.DEPLOY, "{\"domain\":\"WWW.Shop.com\"}");
        assertThat(added.status).isEqualTo(201);
        assertThat(added.json().get(0).asText()).isEqualTo("www.shop.com");
        assertThat(server.post("/api/apps/web.test/domains", ApiServer.DEPLOY, "{\"domain\":\"nodots\"}").problemType())
                .isEqualTo("/problems/invalid-domain");
        assertThat(server.delete("/api/apps/web.test/domains/www.shop.com", ApiServer.DEPLOY).json()).isEmpty();
    }
}
