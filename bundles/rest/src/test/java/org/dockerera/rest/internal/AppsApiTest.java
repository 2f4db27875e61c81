package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.dockerera.api.AppSpec;
import org.dockerera.api.EnvVar;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Apps, deploys, env, releases, instances, hosts' maintenance, routes and routers through HTTP on recording fakes.
 * {@code web.test} is deployed (release 2 active), so its changes roll out (202); {@code new.test} never was (200).
 */
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
        apps.deployed("web.test");
        apps.create(AppSpec.named("new.test"));
        apps.calls.clear();
    }

    @AfterEach
    void stop() throws Exception {
        streams.forEach(f -> f.cancel(true));
        server.close();
    }

    /** A 202 answer: the deploy to follow, its id in the body and in {@code Location}. */
    static String accepted(ApiServer.Res res) {
        assertThat(res.status).as(res.toString()).isEqualTo(202);
        assertThat(res.contentType()).startsWith("application/json");
        String id = res.json().path("id").asText();
        assertThat(id).as("202 body carries the deploy id: " + res.body).isNotBlank();
        assertThat(res.header("Location")).isEqualTo("/api/deploys/" + id);
        assertThat(res.json().path("status").asText()).isIn("pending", "running");
        return id;
    }

    static void problem(ApiServer.Res res, int status, String slug) {
        assertThat(res.status).as(res.toString()).isEqualTo(status);
        assertThat(res.contentType()).startsWith("application/problem+json");
        assertThat(res.problemType()).isEqualTo("/problems/" + slug);
        assertThat(res.json().path("status").asInt()).isEqualTo(status);
    }

    // ---- apps ----

    @Test
    void appsAreCreatedListedAndRefusedWithTheirOwnProblemTypes() {
        ApiServer.Res created = server.post("/api/apps", ApiServer.DEPLOY,
                "{\"name\":\"shop.test\",\"instances\":3,\"port\":8000,\"health\":{\"path\":\"/health\",\"intervalMs\":1000}}");
        assertThat(created.status).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/apps/shop.test");
        assertThat(created.json().path("instances").asInt()).isEqualTo(3);
        assertThat(created.json().path("port").asInt()).isEqualTo(8000);
        assertThat(created.json().path("type").asText()).isEqualTo("web");
        assertThat(created.json().path("health").path("timeoutMs").asInt()).as("defaults filled").isEqualTo(1000);
        assertThat(server.get("/api/apps", ApiServer.READ).json()).extracting(n -> n.path("name").asText())
                .containsExactly("new.test", "shop.test", "web.test");
        assertThat(server.post("/api/apps", ApiServer.DEPLOY, "{\"name\":\"only.name.test\"}").json()
                .path("instances").asInt()).as("all but name optional").isEqualTo(2);

        problem(server.post("/api/apps", ApiServer.DEPLOY, "{\"name\":\"Bad_Name\"}"), 422, "invalid-app-name");
        problem(server.post("/api/apps", ApiServer.DEPLOY, "{\"name\":\"n.test\",\"port\":70000}"), 422,
                "invalid-port");
        problem(server.post("/api/apps", ApiServer.DEPLOY, "{\"name\":\"n.test\",\"health\":{\"path\":\"health\"}}"),
                422, "invalid-health-check");
        problem(server.post("/api/apps", ApiServer.DEPLOY, "{\"name\":\"shop.test\"}"), 409, "app-exists");
        problem(server.post("/api/apps", ApiServer.DEPLOY, "{\"name\":\"x.test\",\"type\":\"daemon\"}"), 422,
                "invalid-request");
        assertThat(apps.calls).containsExactly("create shop.test", "create only.name.test");
    }

    @Test
    void anAppIsReadWithEverySettingResolved() {
        ApiServer.Res res = server.get("/api/apps/web.test", ApiServer.READ);

        assertThat(res.status).isEqualTo(200);
        assertThat(res.json().path("name").asText()).isEqualTo("web.test");
        assertThat(res.json().path("activeRelease").asInt()).isEqualTo(2);
        assertThat(res.json().path("restartPolicy").asText()).isEqualTo("on-failure");
        problem(server.get("/api/apps/nope.test", ApiServer.READ), 404, "app-not-found");
    }

    @Test
    void aPostWithTheMethodOverrideHeaderIsAPatchWithTheSameScopesAndNothingElseIsOverridden() {
        ApiServer.Res patched = server.call("POST", "/api/apps/web.test").bearer(ApiServer.DEPLOY)
                .header("X-HTTP-Method-Override", "PATCH").json("{\"drainTimeoutMs\":700}").send();
        assertThat(patched.status).isEqualTo(200);
        assertThat(patched.json().path("drainTimeoutMs").asInt()).isEqualTo(700);
        problem(server.call("POST", "/api/apps/web.test").bearer(ApiServer.READ)
                .header("X-HTTP-Method-Override", "PATCH").json("{\"drainTimeoutMs\":1}").send(), 403, "forbidden");
        problem(server.call("POST", "/api/apps/web.test").bearer(ApiServer.DEPLOY)
                .header("X-HTTP-Method-Override", "DELETE").json("{}").send(), 405, "method-not-allowed");
        assertThat(apps.calls).containsExactly("patch web.test by deploy-token");
    }

    @Test
    void patchingSettingsThatChangeContainersAnswers202AndMetadataOnly200WithTheApp() {
        String id = accepted(server.call("PATCH", "/api/apps/web.test").bearer(ApiServer.DEPLOY)
                .json("{\"instances\":5}").send());
        assertThat(apps.deploys.get(id).kind()).isEqualTo("scale");
        accepted(server.call("PATCH", "/api/apps/web.test").bearer(ApiServer.DEPLOY)
                .header("Content-Type", "application/merge-patch+json").json("{\"port\":9000}").send());

        ApiServer.Res metadata = server.call("PATCH", "/api/apps/web.test").bearer(ApiServer.DEPLOY)
                .json("{\"drainTimeoutMs\":500}").send();
        assertThat(metadata.status).isEqualTo(200);
        assertThat(metadata.json().path("name").asText()).isEqualTo("web.test");
        assertThat(metadata.json().path("drainTimeoutMs").asInt()).isEqualTo(500);
        assertThat(metadata.json().path("port").asInt()).isEqualTo(9000);
        ApiServer.Res neverDeployed = server.call("PATCH", "/api/apps/new.test").bearer(ApiServer.DEPLOY)
                .json("{\"instances\":3}").send();
        assertThat(neverDeployed.status).as("recorded only before the first deploy").isEqualTo(200);
        assertThat(neverDeployed.json().path("instances").asInt()).isEqualTo(3);

        problem(server.call("PATCH", "/api/apps/web.test").bearer(ApiServer.DEPLOY).json("{\"name\":\"other.test\"}")
                .send(), 422, "invalid-app-name");
        assertThat(apps.calls).containsExactly("patch web.test by deploy-token", "patch web.test by deploy-token",
                "patch web.test by deploy-token", "patch new.test by deploy-token");
    }

    @Test
    void deletingAnAppAnswers202WithTheDeployThatRemovesIt() {
        String id = accepted(server.delete("/api/apps/web.test", ApiServer.DEPLOY));

        assertThat(apps.deploys.get(id).kind()).isEqualTo("delete");
        assertThat(apps.calls).containsExactly("remove web.test by deploy-token");
        problem(server.delete("/api/apps/nope.test", ApiServer.DEPLOY), 404, "app-not-found");
    }

    @Test
    void theActorIsTheCallersTokenName() {
        accepted(server.post("/api/apps/web.test/restart", ApiServer.ADMIN, null));
        accepted(server.post("/api/apps/web.test/restart", ApiServer.DEPLOY, null));

        assertThat(apps.calls).containsExactly("restart web.test by admin-token", "restart web.test by deploy-token");
    }

    // ---- deploys ----

    @Test
    void aDeployAnswers202WithTheDeployToFollow() {
        ApiServer.Res res = server.post("/api/apps/web.test/deploys", ApiServer.DEPLOY,
                "{\"image\":\"127.0.0.1:5000/web:v2\",\"instances\":3}");

        String id = accepted(res);
        assertThat(res.json().path("app").asText()).isEqualTo("web.test");
        assertThat(res.json().path("kind").asText()).isEqualTo("deploy");
        assertThat(apps.calls).containsExactly("deploy web.test 127.0.0.1:5000/web:v2 3 by deploy-token");
        JsonNode got = server.get("/api/deploys/" + id, ApiServer.READ).json();
        assertThat(got.path("id").asText()).isEqualTo(id);
        assertThat(got.path("status").asText()).isEqualTo("pending");
        assertThat(server.get("/api/apps/web.test/deploys", ApiServer.READ).json())
                .extracting(n -> n.path("id").asText()).containsExactly(id);
        accepted(server.post("/api/apps/web.test/deploys", ApiServer.DEPLOY, "{\"image\":\"127.0.0.1:5000/web:v3\"}"));
        assertThat(apps.calls).last().isEqualTo("deploy web.test 127.0.0.1:5000/web:v3 null by deploy-token");

        problem(server.post("/api/apps/web.test/deploys", ApiServer.DEPLOY, "{\"image\":\"UPPER/bad::tag\"}"), 422,
                "invalid-image");
        problem(server.get("/api/deploys/d-nope", ApiServer.READ), 404, "deploy-not-found");
    }

    @Test
    void explainAnswersThePlacementAndDeploysNothing() {
        ApiServer.Res explain = server.post("/api/apps/web.test/deploys?explain=true", ApiServer.DEPLOY,
                "{\"image\":\"127.0.0.1:5000/web:v2\",\"instances\":2}");

        assertThat(explain.status).isEqualTo(200);
        assertThat(explain.header("Location")).isNull();
        assertThat(explain.json().path("placements").get(0).path("hostId").asText()).isEqualTo("h1");
        assertThat(explain.json().path("rejections").path("h2").get(0).asText()).isEqualTo("down");
        assertThat(explain.json().path("complete").asBoolean()).isFalse();
        assertThat(explain.json().path("failure").asText()).isEqualTo("only 1 of 2 instances fit");
        assertThat(apps.calls).containsExactly("explain web.test 2");
        assertThat(apps.deploys).isEmpty();
        assertThat(server.post("/api/apps/web.test/deploys?explain=false", ApiServer.DEPLOY, "{\"image\":\"a/b:1\"}")
                .status).isEqualTo(202);
        problem(server.post("/api/apps/web.test/deploys?explain=maybe", ApiServer.DEPLOY, "{\"image\":\"a/b:1\"}"),
                400, "invalid-parameter");
    }

    @Test
    void rollbackTakesNoBodyAnEmptyObjectOrAReleaseNumber() {
        accepted(server.call("POST", "/api/apps/web.test/rollback").bearer(ApiServer.DEPLOY).send());
        accepted(server.call("POST", "/api/apps/web.test/rollback").bearer(ApiServer.DEPLOY)
                .header("Content-Type", "application/json").body("").send());
        accepted(server.post("/api/apps/web.test/rollback", ApiServer.DEPLOY, "{}"));
        String id = accepted(server.post("/api/apps/web.test/rollback", ApiServer.DEPLOY, "{\"release\":1}"));

        assertThat(apps.deploys.get(id).kind()).isEqualTo("rollback");
        assertThat(apps.calls).containsExactly("rollback web.test null by deploy-token",
                "rollback web.test null by deploy-token", "rollback web.test null by deploy-token",
                "rollback web.test 1 by deploy-token");
    }

    @Test
    void scaleAndRestartAnswer202() {
        String scale = accepted(server.call("PUT", "/api/apps/web.test/scale").bearer(ApiServer.DEPLOY)
                .json("{\"instances\":4}").send());
        accepted(server.call("PUT", "/api/apps/web.test/scale").bearer(ApiServer.DEPLOY).json("{\"instances\":0}")
                .send());
        String restart = accepted(server.post("/api/apps/web.test/restart", ApiServer.DEPLOY, null));

        assertThat(apps.deploys.get(scale).kind()).isEqualTo("scale");
        assertThat(apps.deploys.get(restart).kind()).isEqualTo("restart");
        problem(server.call("PUT", "/api/apps/web.test/scale").bearer(ApiServer.DEPLOY).json("{}").send(), 422,
                "invalid-request");
        assertThat(apps.calls).containsExactly("scale web.test 4 by deploy-token", "scale web.test 0 by deploy-token",
                "restart web.test by deploy-token");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "POST  | /api/apps                         | {\"name\":\"n.test\",\"instances\":-1}",
        "PATCH | /api/apps/web.test                | {\"instances\":-1}",
        "POST  | /api/apps/web.test/deploys        | {\"image\":\"a/b:1\",\"instances\":-2}",
        "POST  | /api/apps/web.test/deploys?explain=true | {\"image\":\"a/b:1\",\"instances\":-2}",
        "PUT   | /api/apps/web.test/scale          | {\"instances\":-1}",
    })
    void negativeInstancesAre422InvalidInstancesAndReachNoService(String method, String path, String body) {
        ApiServer.Res res = server.call(method, path).bearer(ApiServer.DEPLOY).json(body).send();

        problem(res, 422, "invalid-instances");
        assertThat(res.json().path("detail").asText()).contains("0 or more");
        assertThat(apps.calls).isEmpty();
        assertThat(apps.deploys).isEmpty();
    }

    // ---- env ----

    @Test
    void envIsAMergePatchWhereNullUnsetsAndSecretsAreMasked() {
        apps.env.put("web.test", new ConcurrentHashMap<>(Map.of("OLD", new EnvVar("OLD", "x", false))));
        String id = accepted(server.call("PATCH", "/api/apps/web.test/env").bearer(ApiServer.DEPLOY)
                .header("Content-Type", "application/merge-patch+json").json("{\"GREETING\":\"hi\",\"OLD\":null}")
                .send());
        assertThat(apps.deploys.get(id).kind()).isEqualTo("env");
        assertThat(apps.calls).containsExactly("env web.test {GREETING=hi, OLD=<unset>} by deploy-token");
        accepted(server.call("PATCH", "/api/apps/web.test/env").bearer(ApiServer.DEPLOY).json("{\"PLAIN\":\"json\"}")
                .send());

        accepted(server.call("PUT", "/api/apps/web.test/env/TOKEN").bearer(ApiServer.DEPLOY)
                .json("{\"value\":\"s3cr3t\",\"secret\":true}").send());
        assertThat(apps.calls).last().isEqualTo("setenv web.test TOKEN secret=true by deploy-token");
        ApiServer.Res env = server.get("/api/apps/web.test/env", ApiServer.READ);
        assertThat(env.status).isEqualTo(200);
        assertThat(env.body).doesNotContain("s3cr3t");
        assertThat(env.json()).extracting(n -> n.path("key").asText() + "=" + n.path("value").asText() + " "
                + n.path("secret").asBoolean()).containsExactly("GREETING=hi false", "PLAIN=json false",
                "TOKEN=******** true");

        accepted(server.delete("/api/apps/web.test/env/GREETING", ApiServer.DEPLOY));
        assertThat(apps.calls).last().isEqualTo("env web.test {GREETING=<unset>} by deploy-token");
    }

    @Test
    void envChangesBeforeTheFirstDeployAnswer200WithTheEnvironment() {
        ApiServer.Res patched = server.call("PATCH", "/api/apps/new.test/env").bearer(ApiServer.DEPLOY)
                .header("Content-Type", "application/merge-patch+json").json("{\"A\":\"1\",\"B\":\"2\"}").send();
        assertThat(patched.status).isEqualTo(200);
        assertThat(patched.json()).extracting(n -> n.path("key").asText()).containsExactly("A", "B");

        ApiServer.Res secret = server.call("PUT", "/api/apps/new.test/env/TOKEN").bearer(ApiServer.DEPLOY)
                .json("{\"value\":\"s3cr3t\",\"secret\":true}").send();
        assertThat(secret.status).isEqualTo(200);
        assertThat(secret.body).doesNotContain("s3cr3t").contains("********");

        ApiServer.Res unset = server.delete("/api/apps/new.test/env/A", ApiServer.DEPLOY);
        assertThat(unset.status).isEqualTo(200);
        assertThat(unset.json()).extracting(n -> n.path("key").asText()).containsExactly("B", "TOKEN");
    }

    @Test
    void envValuesMustBeStringsOrNull() {
        for (String body : List.of("{\"N\":5}", "{\"B\":true}", "{\"O\":{\"x\":\"y\"}}", "{\"A\":[\"x\"]}",
                "{\"OK\":\"fine\",\"N\":1.5}")) {
            ApiServer.Res res = server.call("PATCH", "/api/apps/web.test/env").bearer(ApiServer.DEPLOY)
                    .header("Content-Type", "application/merge-patch+json").json(body).send();
            problem(res, 422, "invalid-env");
        }
        problem(server.call("PATCH", "/api/apps/web.test/env").bearer(ApiServer.DEPLOY).json("[1]").send(), 422,
                "invalid-request");
        problem(server.call("PATCH", "/api/apps/web.test/env").bearer(ApiServer.DEPLOY).json("\"A=b\"").send(), 422,
                "invalid-request");
        problem(server.call("PATCH", "/api/apps/web.test/env").bearer(ApiServer.DEPLOY).json("null").send(), 400,
                "missing-body");
        problem(server.call("PATCH", "/api/apps/web.test/env").bearer(ApiServer.DEPLOY)
                .header("Content-Type", "text/plain").body("A=b").send(), 415, "unsupported-media-type");
        problem(server.call("PUT", "/api/apps/web.test/env/TOKEN").bearer(ApiServer.DEPLOY).json("{\"secret\":true}")
                .send(), 422, "invalid-request");
        assertThat(apps.calls).isEmpty();
    }

    // ---- what every body-taking endpoint shares ----

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "POST  | /api/apps",
        "PATCH | /api/apps/web.test",
        "PATCH | /api/apps/web.test/env",
        "PUT   | /api/apps/web.test/env/KEY",
        "POST  | /api/apps/web.test/deploys",
        "POST  | /api/apps/web.test/deploys?explain=true",
        "POST  | /api/apps/web.test/rollback",
        "PUT   | /api/apps/web.test/scale",
    })
    void malformedJsonIs400(String method, String path) {
        ApiServer.Res res = server.call(method, path).bearer(ApiServer.DEPLOY).json("{\"instances\": 2,").send();

        problem(res, 400, "malformed-json");
        assertThat(res.json().path("detail").asText()).contains("line 1");
        assertThat(apps.calls).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "POST  | /api/apps                   | {\"name\":\"x.test\",\"instances\":\"2\"}  | instances",
        "POST  | /api/apps                   | {\"name\":\"x.test\",\"command\":\"run\"}  | command",
        "POST  | /api/apps                   | {\"name\":\"x.test\",\"replicas\":2}     | replicas",
        "PATCH | /api/apps/web.test          | {\"port\":\"80\"}                        | port",
        "PATCH | /api/apps/web.test          | {\"health\":{\"path\":5}}                | health.path",
        "PUT   | /api/apps/web.test/env/KEY  | {\"value\":5}                           | value",
        "PUT   | /api/apps/web.test/env/KEY  | {\"value\":\"v\",\"secret\":\"yes\"}      | secret",
        "POST  | /api/apps/web.test/deploys  | {\"image\":5}                           | image",
        "POST  | /api/apps/web.test/deploys  | {\"image\":\"a/b:1\",\"instances\":1.5}  | instances",
        "POST  | /api/apps/web.test/deploys  | {\"image\":\"a/b:1\",\"tag\":\"v2\"}      | tag",
        "POST  | /api/apps/web.test/rollback | {\"release\":\"one\"}                    | release",
        "PUT   | /api/apps/web.test/scale    | {\"instances\":\"4\"}                    | instances",
        "PUT   | /api/apps/web.test/scale    | {\"instances\":true}                    | instances",
    })
    void wrongFieldsAre422NamingTheField(String method, String path, String body, String field) {
        ApiServer.Res res = server.call(method, path).bearer(ApiServer.DEPLOY).json(body).send();

        problem(res, 422, "invalid-request");
        assertThat(res.json().path("field").asText()).isEqualTo(field);
        assertThat(apps.calls).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "GET    | /api/apps/nope.test                 |",
        "PATCH  | /api/apps/nope.test                 | {\"instances\":1}",
        "DELETE | /api/apps/nope.test                 |",
        "GET    | /api/apps/nope.test/env             |",
        "PATCH  | /api/apps/nope.test/env             | {\"A\":\"b\"}",
        "PUT    | /api/apps/nope.test/env/A           | {\"value\":\"b\"}",
        "DELETE | /api/apps/nope.test/env/A           |",
        "POST   | /api/apps/nope.test/deploys         | {\"image\":\"a/b:1\"}",
        "POST   | /api/apps/nope.test/deploys?explain=true | {\"image\":\"a/b:1\"}",
        "GET    | /api/apps/nope.test/deploys         |",
        "GET    | /api/apps/nope.test/releases        |",
        "GET    | /api/apps/nope.test/releases/1      |",
        "POST   | /api/apps/nope.test/rollback        | {}",
        "PUT    | /api/apps/nope.test/scale           | {\"instances\":1}",
        "POST   | /api/apps/nope.test/restart         |",
        "GET    | /api/apps/nope.test/instances       |",
    })
    void anUnknownAppIs404ProblemJson(String method, String path, String body) {
        ApiServer.Call call = server.call(method, path).bearer(ApiServer.DEPLOY);
        if (body != null) {
            call.json(body);
        }

        ApiServer.Res res = call.send();

        problem(res, 404, "app-not-found");
        assertThat(res.json().path("detail").asText()).contains("nope.test");
    }

    @Test
    void withoutTheAppServiceAppsAre503AndWithoutTheDeployServiceDeploysAre503() {
        server.services.apps = null;
        problem(server.get("/api/apps", ApiServer.READ), 503, "service-unavailable");
        problem(server.post("/api/apps", ApiServer.DEPLOY, "{\"name\":\"x.test\"}"), 503, "service-unavailable");
        problem(server.get("/api/apps/web.test/env", ApiServer.READ), 503, "service-unavailable");
        assertThat(server.get("/api/deploys/d-1", ApiServer.READ).status).as("deploys need no app service")
                .isEqualTo(404);

        server.services.apps = apps;
        server.services.deploys = null;
        ApiServer.Res res = server.post("/api/apps/web.test/deploys", ApiServer.DEPLOY, "{\"image\":\"a/b:1\"}");
        problem(res, 503, "service-unavailable");
        assertThat(res.json().path("detail").asText()).contains("deploy service");
        problem(server.get("/api/deploys/d-1", ApiServer.READ), 503, "service-unavailable");
        problem(server.get("/api/deploys/d-1/events", ApiServer.READ), 503, "service-unavailable");
        problem(server.post("/api/apps/web.test/restart", ApiServer.DEPLOY, null), 503, "service-unavailable");
        assertThat(server.get("/api/apps", ApiServer.READ).status).isEqualTo(200);
        assertThat(apps.calls).isEmpty();
    }

    // ---- releases, instances, hosts ----

    @Test
    void releasesAreListedNewestFirstAndReadByNumber() {
        JsonNode releases = server.get("/api/apps/web.test/releases", ApiServer.READ).json();
        assertThat(releases).extracting(n -> n.path("version").asInt()).containsExactly(2, 1);
        assertThat(releases.get(0).path("status").asText()).isEqualTo("active");
        JsonNode one = server.get("/api/apps/web.test/releases/1", ApiServer.READ).json();
        assertThat(one.path("status").asText()).isEqualTo("superseded");
        assertThat(one.path("image").asText()).isEqualTo("127.0.0.1:5000/web:v1");

        problem(server.get("/api/apps/web.test/releases/3", ApiServer.READ), 404, "release-not-found");
        for (String notANumber : List.of("first", "1.5", "99999999999", "v2")) {
            ApiServer.Res res = server.get("/api/apps/web.test/releases/" + notANumber, ApiServer.READ);
            problem(res, 404, "release-not-found");
            assertThat(res.json().path("detail").asText()).contains(notANumber);
        }
    }

    @Test
    void instancesAreListedWithTheirHealth() {
        JsonNode instance = server.get("/api/apps/web.test/instances", ApiServer.READ).json().get(0);

        assertThat(instance.path("id").asText()).isEqualTo("i-1");
        assertThat(instance.path("address").asText()).isEqualTo("127.0.0.2:32768");
        assertThat(instance.path("state").asText()).isEqualTo("healthy");
        assertThat(instance.path("health").asText()).isEqualTo("healthy");
        assertThat(instance.path("release").asInt()).isEqualTo(2);
        assertThat(instance.path("hostId").asText()).isEqualTo("h1");
        assertThat(instance.path("since").asText()).isEqualTo("2026-01-02T03:04:05Z");
    }

    @Test
    void hostsAreCordonedDrainedAndUncordonedByAdminsOnly() {
        server.services.hosts.hosts.put("h1", Fakes.host("h1", "tcp://127.0.0.2:2375"));

        ApiServer.Res cordoned = server.post("/api/hosts/h1/cordon", ApiServer.ADMIN, null);
        assertThat(cordoned.status).isEqualTo(200);
        assertThat(cordoned.json().path("id").asText()).isEqualTo("h1");
        assertThat(cordoned.json().path("schedulable").asBoolean()).isFalse();
        assertThat(cordoned.json().path("draining").asBoolean()).isFalse();
        ApiServer.Res draining = server.post("/api/hosts/h1/drain", ApiServer.ADMIN, null);
        assertThat(draining.status).isEqualTo(200);
        assertThat(draining.json().path("draining").asBoolean()).isTrue();
        assertThat(draining.json().path("schedulable").asBoolean()).isFalse();
        ApiServer.Res uncordoned = server.post("/api/hosts/h1/uncordon", ApiServer.ADMIN, null);
        assertThat(uncordoned.status).isEqualTo(200);
        assertThat(uncordoned.json().path("schedulable").asBoolean()).isTrue();
        assertThat(uncordoned.json().path("draining").asBoolean()).isFalse();
        assertThat(server.get("/api/hosts/h1", ApiServer.READ).json().path("schedulable").asBoolean()).isTrue();

        problem(server.post("/api/hosts/h1/drain", ApiServer.DEPLOY, null), 403, "forbidden");
        problem(server.post("/api/hosts/h1/cordon", ApiServer.READ, null), 403, "forbidden");
        problem(server.post("/api/hosts/h9/cordon", ApiServer.ADMIN, null), 404, "host-not-found");
        assertThat(server.services.hosts.maintenance).containsExactly("cordon h1", "drain h1", "uncordon h1",
                "cordon h9");
    }

    // ---- issue 5: routes, routers, domains ----

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
