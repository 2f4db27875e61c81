package org.dockerera.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apps, releases and zero-downtime deploys end to end, through the REST API of the assembled distribution (started
 * with bin/start), against three real Docker daemons with unequal capacity overrides and the local registry from
 * {@code scripts/env.sh up 3}. Instances are checked the way a router reaches them: HTTP on their published address.
 * <p>
 * The main app ({@link #web}) goes through v1, v2, a broken release, a rollback, scaling, an env change, a host killed
 * with -9 and a drained host, in that order; placement strategies and bad input use apps of their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployIT {
    private static final Duration BOOT = Duration.ofSeconds(90);
    /** A deploy takes seconds here; this bounds the slowest (the broken release waits out its start deadline). */
    private static final Duration DEPLOY = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long GIB = 1L << 30;
    private static final String MERGE_PATCH = "application/merge-patch+json";
    /** Fast probes, and a start deadline short enough for the broken image to fail in seconds. */
    private static final String HEALTH = "{\"path\":\"/health\",\"intervalMs\":500,\"timeoutMs\":500,"
            + "\"healthyThreshold\":1,\"unhealthyThreshold\":2,\"startIntervalMs\":100,\"startTimeoutMs\":10000}";

    private final TestEnv env = TestEnv.load();
    private final String run = Long.toHexString(System.currentTimeMillis() % 0xfffffffL);
    /** Every app name this class made, for clean-up (declared before the names that add to it). */
    private final List<String> apps = new ArrayList<>();
    private final String web = name("web");
    private final Set<Integer> stoppedHosts = new TreeSet<>();
    private Distribution dist;
    private Api api;
    private String admin;
    /** Test host index (N of 127.0.0.N) -> dockerera host id, biggest capacity first. */
    private final Map<Integer, String> hostIds = new LinkedHashMap<>();
    private String big;
    private String small;
    private String v1;
    private String v2;
    private String broken;
    private int v1Release;
    private int v2Release;
    private String bad;

    @BeforeAll
    void bootAndAddThreeUnequalHosts(@TempDir Path work) throws Exception {
        List<Integer> indexes = env.hostIndexes();
        assertThat(indexes).as("scripts/env.sh up 3 must have started three plain hosts").hasSizeGreaterThanOrEqualTo(3);
        v1 = env.get("image.v1");
        v2 = env.get("image.v2");
        broken = env.get("image.broken");
        dist = Distribution.create(work);
        api = new Api(dist.baseUrl());
        dist.start();
        dist.awaitApi(BOOT);
        admin = dist.adminToken();

        double[] cpus = {4, 2, 1};
        long[] memory = {8 * GIB, 4 * GIB, 2 * GIB};
        for (int k = 0; k < 3; k++) {
            int n = indexes.get(k);
            Api.Response r = api.post("/api/hosts", admin, "{\"url\":" + Api.q(env.tcpUrl(n)) + ",\"capacity\":{\"cpus\":"
                    + cpus[k] + ",\"memoryBytes\":" + memory[k] + "}}");
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            JsonNode h = r.json();
            assertThat(h.get("status").asText()).isEqualTo("up");
            assertThat(h.get("cpus").asDouble()).isEqualTo(cpus[k]);
            assertThat(h.get("memoryBytes").asLong()).isEqualTo(memory[k]);
            assertThat(h.path("schedulable").asBoolean(true)).isTrue();
            hostIds.put(n, h.get("id").asText());
        }
        big = hostIds.get(indexes.get(0));
        small = hostIds.get(indexes.get(2));
    }

    @AfterAll
    void cleanUp() throws Exception {
        for (int n : stoppedHosts) {
            try {
                env.hosts("start", String.valueOf(n));
            } catch (Exception e) {
                System.err.println("could not restart host " + n + ": " + e.getMessage());
            }
        }
        try {
            if (dist != null) {
                dist.close();
            }
        } finally {
            // the daemons are shared with other tests: leave none of this class's containers behind
            for (int n : hostIds.keySet()) {
                for (String app : apps) {
                    Docker.removeContainersOf(env.tcpUrl(n), app);
                }
            }
        }
    }

    // ---- placement ----------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void binpackAndSpreadPlaceTheSameAppDifferentlyOnUnequalHostsAndSwitchAtRunTime() throws Exception {
        String app = name("place");
        createApp("{\"name\":" + Api.q(app) + ",\"instances\":2,\"resources\":{\"cpuRequest\":0.5,\"memoryRequest\":"
                + (256L << 20) + "}}");

        JsonNode spread = explain(app, v1);
        assertThat(spread.get("strategy").asText()).isEqualTo("spread");
        assertThat(spread.get("complete").asBoolean()).as(spread.toString()).isTrue();
        List<String> spreadHosts = placedHosts(spread);
        assertThat(spreadHosts).as("spread: the least loaded hosts, the biggest first; %s", spread)
                .hasSize(2).doesNotHaveDuplicates().contains(big).doesNotContain(small);

        dist.setProperty("etc/org.dockerera.scheduler.cfg", "strategy", "binpack");
        try {
            JsonNode binpack = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> explain(app, v1), e -> e.path("strategy").asText().equals("binpack"));
            assertThat(binpack.get("complete").asBoolean()).as(binpack.toString()).isTrue();
            List<String> binpackHosts = placedHosts(binpack);
            assertThat(binpackHosts).as("binpack: the fullest hosts that fit, the smallest first; %s", binpack)
                    .hasSize(2).doesNotHaveDuplicates().contains(small).doesNotContain(big);
            assertThat(new HashSet<>(binpackHosts)).isNotEqualTo(new HashSet<>(spreadHosts));
        } finally {
            dist.setProperty("etc/org.dockerera.scheduler.cfg", "strategy", "spread");
        }
        JsonNode back = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> explain(app, v1), e -> e.path("strategy").asText().equals("spread"));
        assertThat(placedHosts(back)).containsExactlyElementsOf(spreadHosts);

        assertThat(api.get("/api/apps/" + app + "/instances", admin).json()).as("explain changes nothing").isEmpty();
        deleteApp(app);
    }

    // ---- the main app: deploy, replace, fail, roll back, scale, env ---------------------------------------------

    @Test
    @Order(2)
    void v1RunsTwoInstancesOnDistinctHostsEachAnsweringOnItsAddress() {
        JsonNode created = createApp("{\"name\":" + Api.q(web) + ",\"instances\":2,\"port\":8080,\"health\":" + HEALTH
                + ",\"drainTimeoutMs\":1000,\"stopTimeoutMs\":5000}");
        assertThat(created.get("instances").asInt()).isEqualTo(2);
        assertThat(created.has("activeRelease")).as("no release before the first deploy").isFalse();

        JsonNode d = followed(api.post(deploys(web), admin, "{\"image\":" + Api.q(v1) + "}"));
        assertSucceeded(d, "deploy");
        v1Release = d.get("release").asInt();
        assertThat(v1Release).isEqualTo(1);
        JsonNode app = app(web);
        assertThat(app.get("activeRelease").asInt()).isEqualTo(v1Release);
        assertThat(app.get("image").asText()).isEqualTo(v1);
        JsonNode release = release(web, v1Release);
        assertThat(release.get("status").asText()).isEqualTo("active");
        assertThat(release.get("image").asText()).isEqualTo(v1);
        assertThat(release.path("digest").asText()).as("pinned to the registry's digest").contains("@sha256:");

        List<JsonNode> instances = assertServing(web, 2, "v1");
        assertThat(hostsOf(instances)).as("distinct hosts: %s", instances).hasSize(2);
        assertThat(instances).allSatisfy(i -> assertThat(i.get("release").asInt()).isEqualTo(v1Release));
    }

    @Test
    @Order(3)
    void v2ReplacesV1OnlyOnceHealthyWithTwoInstancesAnsweringAtEveryMoment() {
        JsonNode d = watched(web, 2, () -> api.post(deploys(web), admin, "{\"image\":" + Api.q(v2) + "}"));
        assertSucceeded(d, "deploy");
        v2Release = d.get("release").asInt();
        assertThat(v2Release).isGreaterThan(v1Release);

        List<JsonNode> instances = assertServing(web, 2, "v2");
        assertThat(instances).allSatisfy(i -> assertThat(i.get("release").asInt()).isEqualTo(v2Release));
        assertThat(hostsOf(instances)).hasSize(2);
        assertThat(app(web).get("activeRelease").asInt()).isEqualTo(v2Release);
        assertThat(release(web, v2Release).get("status").asText()).isEqualTo("active");
        assertThat(release(web, v1Release).get("status").asText()).isEqualTo("superseded");
    }

    @Test
    @Order(4)
    void aBrokenImageFailsItsReleaseWithAReasonWhileV2ServesOnAsTheActiveRelease() throws Exception {
        JsonNode d = watched(web, 2, () -> api.post(deploys(web), admin, "{\"image\":" + Api.q(broken) + "}"));
        assertThat(d.get("status").asText()).as(d.toString()).isEqualTo("failed");
        assertThat(d.path("message").asText()).as("the deploy says why").isNotBlank();
        int brokenRelease = d.get("release").asInt();
        JsonNode release = release(web, brokenRelease);
        assertThat(release.get("status").asText()).isEqualTo("failed");
        assertThat(release.path("message").asText()).as("the release says why: %s", release).isNotBlank();

        JsonNode app = app(web);
        assertThat(app.get("activeRelease").asInt()).isEqualTo(v2Release);
        assertThat(app.get("image").asText()).isEqualTo(v2);
        assertThat(assertServing(web, 2, "v2")).allSatisfy(i -> assertThat(i.get("release").asInt())
                .isEqualTo(v2Release));
        await().atMost(DEPLOY).pollInterval(POLL).untilAsserted(() -> {
            for (int n : hostIds.keySet()) {
                assertThat(Docker.run(env.tcpUrl(n), "ps", "-q", "--filter", "label=org.dockerera.app=" + web,
                        "--filter", "label=org.dockerera.release=" + brokenRelease).trim())
                        .as("a running container of the failed release on host %s", n).isEmpty();
            }
        });
    }

    @Test
    @Order(5)
    void rollbackMakesANewReleaseWithV1sImageAndV1Answers() {
        JsonNode d = watched(web, 2, () -> api.post("/api/apps/" + web + "/rollback", admin, "{}"));
        assertSucceeded(d, "rollback");
        int rolledBack = d.get("release").asInt();
        assertThat(rolledBack).as("a new release, not release %s again", v1Release).isGreaterThan(v2Release + 1);
        JsonNode release = release(web, rolledBack);
        assertThat(release.get("image").asText()).isEqualTo(v1);
        assertThat(release.get("cause").asText()).isEqualTo("rollback");
        assertThat(release.get("status").asText()).isEqualTo("active");
        assertThat(app(web).get("activeRelease").asInt()).isEqualTo(rolledBack);
        assertThat(assertServing(web, 2, "v1")).allSatisfy(i -> assertThat(i.get("release").asInt())
                .isEqualTo(rolledBack));
        assertThat(release(web, v2Release).get("status").asText()).isEqualTo("superseded");
    }

    @Test
    @Order(6)
    void scalesToFourThenTwoThenZeroThenTwoEachInstanceAnswering() throws Exception {
        for (int n : new int[]{4, 2, 0, 2}) {
            JsonNode d = followed(api.put("/api/apps/" + web + "/scale", admin, "{\"instances\":" + n + "}"));
            assertSucceeded(d, "scale");
            assertThat(app(web).get("instances").asInt()).isEqualTo(n);
            if (n == 0) {
                await().atMost(DEPLOY).pollInterval(POLL).untilAsserted(() -> {
                    assertThat(instances(web)).isEmpty();
                    for (int h : hostIds.keySet()) {
                        assertThat(Docker.containersOf(env.tcpUrl(h), web)).as("containers left on host %s", h).isEmpty();
                    }
                });
            } else {
                List<JsonNode> instances = assertServing(web, n, "v1");
                assertThat(hostsOf(instances)).as("as many distinct hosts as possible: %s", instances)
                        .hasSize(Math.min(n, 3));
            }
        }
    }

    @Test
    @Order(7)
    void anEnvChangeRollsOutANewReleaseWithTheVariableVisibleInTheContainers() {
        int before = app(web).get("activeRelease").asInt();
        JsonNode d = watched(web, 2, () -> api.patch("/api/apps/" + web + "/env", admin, "{\"GREETING\":\"hi\"}",
                MERGE_PATCH));
        assertSucceeded(d, "env");
        int changed = d.get("release").asInt();
        assertThat(changed).isGreaterThan(before);
        JsonNode release = release(web, changed);
        assertThat(release.get("cause").asText()).isEqualTo("env");
        assertThat(release.get("image").asText()).as("same image, new environment").isEqualTo(v1);
        assertThat(release.get("status").asText()).isEqualTo("active");
        assertThat(release.get("envHash").asText()).isNotEqualTo(release(web, before).path("envHash").asText());
        assertThat(app(web).get("activeRelease").asInt()).isEqualTo(changed);
        List<JsonNode> instances = assertServing(web, 2, "v1");
        assertThat(instances).allSatisfy(i -> {
            assertThat(i.get("release").asInt()).isEqualTo(changed);
            assertThat(Probe.body(i.get("address").asText(), "/env/GREETING")).isEqualTo("hi");
        });
    }

    // ---- bad input: a clear 4xx, or a failed release with the reason, and the active release untouched -----------

    @Test
    @Order(8)
    void anUnknownAppIs404ProblemJsonOnEveryAppEndpoint() {
        String nope = "nope-" + run + ".deploy.test";
        String base = "/api/apps/" + nope;
        List<Api.Response> answers = List.of(
                api.get(base, admin),
                api.get(base + "/instances", admin),
                api.get(base + "/releases", admin),
                api.post(base + "/deploys", admin, "{\"image\":" + Api.q(v1) + "}"),
                api.post(base + "/deploys?explain=true", admin, "{\"image\":" + Api.q(v1) + "}"),
                api.post(base + "/rollback", admin, "{}"),
                api.put(base + "/scale", admin, "{\"instances\":1}"),
                api.patch(base + "/env", admin, "{\"A\":\"b\"}", MERGE_PATCH));
        for (Api.Response r : answers) {
            assertProblem(r, 404, "app-not-found");
            assertThat(r.json().get("detail").asText()).contains(nope);
        }
    }

    @Test
    @Order(9)
    void aBadImageReferenceIs422AndRecordsNoRelease() {
        String app = badApp();
        int releases = api.get("/api/apps/" + app + "/releases", admin).json().size();
        for (String image : List.of("UPPER/bad::tag", "", "127.0.0.1:5000/web:v1 ; rm -rf /")) {
            assertProblem(api.post(deploys(app), admin, "{\"image\":" + Api.q(image) + "}"), 422, "invalid-image");
        }
        assertThat(api.get("/api/apps/" + app + "/releases", admin).json()).hasSize(releases);
        assertUntouched(app);
    }

    @Test
    @Order(10)
    void negativeInstancesAre422Everywhere() {
        String app = badApp();
        String neg = "neg-" + run + ".deploy.test";
        apps.add(neg);
        assertProblem(api.post("/api/apps", admin, "{\"name\":" + Api.q(neg) + ",\"instances\":-1}"), 422, null);
        assertThat(api.get("/api/apps/" + neg, admin).status()).as("nothing stored").isEqualTo(404);
        assertProblem(api.put("/api/apps/" + app + "/scale", admin, "{\"instances\":-1}"), 422, null);
        assertProblem(api.post(deploys(app), admin, "{\"image\":" + Api.q(v2) + ",\"instances\":-2}"), 422, null);
        assertProblem(api.patch("/api/apps/" + app, admin, "{\"instances\":-3}", "application/json"), 422, null);
        assertThat(app(app).get("instances").asInt()).isEqualTo(1);
        assertUntouched(app);
    }

    @Test
    @Order(11)
    void anImageMissingFromTheRegistryFailsTheReleaseNamingTheImage() {
        String app = badApp();
        String missing = env.get("registry") + "/nope-" + run + ":v1";
        JsonNode d = followed(api.post(deploys(app), admin, "{\"image\":" + Api.q(missing) + "}"));
        assertThat(d.get("status").asText()).as(d.toString()).isEqualTo("failed");
        assertThat(d.path("message").asText()).contains(missing);
        JsonNode release = release(app, d.get("release").asInt());
        assertThat(release.get("status").asText()).isEqualTo("failed");
        assertThat(release.path("message").asText()).as(release.toString()).isNotBlank();
        assertUntouched(app);
    }

    @Test
    @Order(12)
    void anUnreachableRegistryFailsTheReleaseWithAReason() {
        String app = badApp();
        String unreachable = "127.0.0.1:5999/web:v1";
        JsonNode d = followed(api.post(deploys(app), admin, "{\"image\":" + Api.q(unreachable) + "}"));
        assertThat(d.get("status").asText()).as(d.toString()).isEqualTo("failed");
        assertThat(d.path("message").asText()).contains("127.0.0.1:5999");
        assertThat(release(app, d.get("release").asInt()).get("status").asText()).isEqualTo("failed");
        assertUntouched(app);
    }

    @Test
    @Order(13)
    void anImpossibleConstraintIsExplainedPerHostAndFailsARealDeployWithTheReason() {
        String app = badApp();
        Api.Response patched = api.patch("/api/apps/" + app, admin, "{\"constraints\":[\"env==nowhere\"]}",
                "application/json");
        assertThat(patched.status()).as("constraints only change the record: %s", patched).isEqualTo(200);
        try {
            JsonNode e = explain(app, v2);
            assertThat(e.get("complete").asBoolean()).as(e.toString()).isFalse();
            assertThat(e.path("failure").asText()).as(e.toString()).isNotBlank();
            assertThat(e.get("placements")).isEmpty();
            JsonNode rejections = e.get("rejections");
            assertThat(fieldNames(rejections)).as("every host rejected: %s", e)
                    .containsExactlyInAnyOrderElementsOf(hostIds.values());
            for (String host : hostIds.values()) {
                assertThat(rejections.get(host)).as("reasons for %s", host).isNotEmpty();
                assertThat(rejections.get(host).toString()).as("reasons for %s", host).contains("env");
            }

            JsonNode d = followed(api.post(deploys(app), admin, "{\"image\":" + Api.q(v2) + "}"));
            assertThat(d.get("status").asText()).as(d.toString()).isEqualTo("failed");
            assertThat(d.path("message").asText()).containsIgnoringCase("constraint");
            assertUntouched(app);
        } finally {
            assertThat(api.patch("/api/apps/" + app, admin, "{\"constraints\":[]}", "application/json").status())
                    .isEqualTo(200);
        }
    }

    // ---- host failure and maintenance ---------------------------------------------------------------------------

    @Test
    @Order(14)
    void aHostKilledWithMinus9HasItsInstancesReplacedAndItsOrphansRemovedWhenItReturns() throws Exception {
        JsonNode victim = instances(web).get(0);
        String victimHost = victim.get("hostId").asText();
        int n = indexOf(victimHost);
        String url = env.tcpUrl(n);
        stoppedHosts.add(n);
        env.hosts("stop", String.valueOf(n));
        try {
            await().atMost(DEPLOY).pollInterval(POLL).untilAsserted(() -> {
                List<JsonNode> serving = new ArrayList<>();
                for (JsonNode i : instances(web)) {
                    if (state(i).equals("healthy") && !i.get("hostId").asText().equals(victimHost)) {
                        serving.add(i);
                    }
                }
                assertThat(serving).as("healthy instances on the remaining hosts").hasSize(2);
                assertThat(serving).allSatisfy(i -> assertThat(Probe.body(i.get("address").asText(), "/"))
                        .startsWith("testapp v1"));
            });
            assertThat(host(victimHost).get("status").asText()).isEqualTo("down");
        } finally {
            env.hosts("start", String.valueOf(n));
            stoppedHosts.remove(n);
        }
        await().atMost(DEPLOY).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(host(victimHost).get("status").asText()).isEqualTo("up");
            assertThat(Docker.containersOf(url, web)).as("orphans of %s on the returned host %s", web, url).isEmpty();
            if (bad != null) {
                assertThat(Docker.containersOf(url, bad)).as("orphans of %s on %s", bad, url).isEmpty();
            }
        });
        assertServing(web, 2, "v1");
    }

    @Test
    @Order(15)
    void aCordonedThenDrainedHostIsEmptiedEachReplacementHealthyBeforeTheInstanceItReplacesStops() {
        String target = instances(web).get(0).get("hostId").asText();
        Api.Response cordoned = api.post("/api/hosts/" + target + "/cordon", admin, null);
        assertThat(cordoned.status()).as(cordoned.toString()).isEqualTo(200);
        try {
            assertThat(cordoned.json().get("schedulable").asBoolean()).isFalse();
            JsonNode e = explain(web, v1);
            assertThat(placedHosts(e)).doesNotContain(target);
            assertThat(e.path("rejections").path(target).toString()).as(e.toString()).contains("cordoned");
            assertThat(instances(web)).as("cordon alone moves nothing")
                    .anySatisfy(i -> assertThat(i.get("hostId").asText()).isEqualTo(target));

            try (ServingWatch watch = ServingWatch.start(api, admin, web)) {
                Api.Response drained = api.post("/api/hosts/" + target + "/drain", admin, null);
                assertThat(drained.status()).as(drained.toString()).isIn(200, 202);
                await().atMost(DEPLOY).pollInterval(POLL).untilAsserted(() -> {
                    List<JsonNode> now = instances(web);
                    assertThat(now).hasSize(2).noneSatisfy(i -> assertThat(i.get("hostId").asText()).isEqualTo(target));
                    assertThat(now).allSatisfy(i -> assertThat(state(i)).isEqualTo("healthy"));
                    if (bad != null) {
                        assertThat(instances(bad)).noneSatisfy(i -> assertThat(i.get("hostId").asText())
                                .isEqualTo(target));
                    }
                    JsonNode h = host(target);
                    assertThat(h.path("draining").asBoolean()).as("draining over: %s", h).isFalse();
                    assertThat(h.get("schedulable").asBoolean()).as("stays cordoned: %s", h).isFalse();
                });
                assertZeroDowntime(watch.stop(), 2);
            }
            assertThat(hostsOf(assertServing(web, 2, "v1"))).doesNotContain(target).hasSize(2);
        } finally {
            Api.Response back = api.post("/api/hosts/" + target + "/uncordon", admin, null);
            assertThat(back.status()).as(back.toString()).isEqualTo(200);
            assertThat(back.json().get("schedulable").asBoolean()).isTrue();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A DNS-style app name unique to this run (the daemons are shared), remembered for clean-up. */
    // ---- shell and crash ------------------------------------------------------------------------------------------

    @Test
    @Order(16)
    void theShellCreatesDeploysFollowsAndReportsAFailedDeployAsAnError() throws Exception {
        String app = name("shell");
        String out = dist.client("dockerera:app-add --instances 1 --health-path /health --start-timeout 10000 " + app);
        assertThat(out).contains("Created app " + app);
        out = dist.client("dockerera:app-deploy " + app + " " + v1);
        assertThat(out).contains("instance.healthy").contains("release.active").contains("succeeded: release 1");
        assertServing(app, 1, "v1");
        out = dist.client("dockerera:instance-list " + app);
        assertThat(out).contains(instances(app).get(0).get("address").asText()).contains("healthy");
        out = dist.client("dockerera:app-deploy " + app + " " + broken);
        assertThat(out).contains("release.failed").contains("Error executing command").contains("failed");
        assertThat(dist.client("dockerera:release-list " + app)).contains("failed").contains("active");
        out = dist.client("dockerera:app-deploy --explain " + app + " " + v1);
        assertThat(out).contains("by strategy");
        assertThat(dist.client("dockerera:route-list")).contains(app);
        assertThat(dist.client("dockerera:app-remove " + app)).contains("succeeded");
        assertThat(api.get("/api/apps/" + app, admin).status()).isEqualTo(404);
    }

    @Test
    @Order(17)
    void aControllerKilledMinus9MidDeployFinishesTheDeployAfterItsRestart() throws Exception {
        String app = name("crash");
        createApp("{\"name\":" + Api.q(app) + ",\"instances\":2,\"health\":" + HEALTH + "}");
        Api.Response accepted = api.post("/api/apps/" + app + "/deploys", admin, "{\"image\":" + Api.q(v1) + "}");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String id = deployId(accepted);
        await().atMost(DEPLOY).pollInterval(Duration.ofMillis(20)).until(() ->
                api.get("/api/deploys/" + id, admin).json().path("status").asText().equals("running"));
        dist.kill9();
        dist.start();
        dist.awaitApi(BOOT);
        JsonNode done = awaitDeploy(id);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertServing(app, 2, "v1");
        await().atMost(DEPLOY).untilAsserted(() -> {
            int containers = 0;
            for (int n : hostIds.keySet()) {
                containers += Docker.containersOf(env.tcpUrl(n), app).size();
            }
            assertThat(containers).as("nothing half-done left: exactly the 2 instances' containers").isEqualTo(2);
        });
    }

    private String name(String role) {
        String n = role + "-" + run + ".deploy.test";
        apps.add(n);
        return n;
    }

    private static String deploys(String app) {
        return "/api/apps/" + app + "/deploys";
    }

    private JsonNode createApp(String body) {
        Api.Response r = api.post("/api/apps", admin, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    /** Removes an app through the API and waits until it is gone. */
    private void deleteApp(String app) {
        Api.Response r = api.delete("/api/apps/" + app, admin);
        assertThat(r.status()).as(r.toString()).isIn(200, 202, 204);
        if (r.status() == 202) {
            assertSucceeded(awaitDeploy(deployId(r)), null);
        }
        await().atMost(DEPLOY).pollInterval(POLL).until(() -> api.get("/api/apps/" + app, admin).status() == 404);
    }

    /** The second app, for bad input: one instance of v1, deployed once. */
    private String badApp() {
        if (bad == null) {
            String app = name("bad");
            createApp("{\"name\":" + Api.q(app) + ",\"instances\":1,\"health\":" + HEALTH
                    + ",\"drainTimeoutMs\":200,\"stopTimeoutMs\":2000}");
            assertSucceeded(followed(api.post(deploys(app), admin, "{\"image\":" + Api.q(v1) + "}")), "deploy");
            assertServing(app, 1, "v1");
            bad = app;
        }
        return bad;
    }

    /** The bad-input app still has its first release active and its one instance answers v1. */
    private void assertUntouched(String app) {
        JsonNode a = app(app);
        assertThat(a.get("activeRelease").asInt()).as("active release untouched: %s", a).isEqualTo(1);
        assertThat(a.get("image").asText()).isEqualTo(v1);
        assertThat(release(app, 1).get("status").asText()).isEqualTo("active");
        assertThat(assertServing(app, 1, "v1")).allSatisfy(i -> assertThat(i.get("release").asInt()).isEqualTo(1));
    }

    private JsonNode app(String app) {
        Api.Response r = api.get("/api/apps/" + app, admin);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private JsonNode release(String app, int version) {
        Api.Response r = api.get("/api/apps/" + app + "/releases", admin);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        for (JsonNode rel : r.json()) {
            if (rel.get("version").asInt() == version) {
                return rel;
            }
        }
        throw new AssertionError("app " + app + " has no release " + version + ": " + r.body());
    }

    private List<JsonNode> instances(String app) {
        Api.Response r = api.get("/api/apps/" + app + "/instances?stats=false", admin);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().forEach(out::add);
        return out;
    }

    private JsonNode host(String id) {
        Api.Response r = api.get("/api/hosts/" + id, admin);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** An instance's observed state ({@code state} in the Java model; the contract calls it health). */
    private static String state(JsonNode instance) {
        return instance.has("state") ? instance.get("state").asText() : instance.path("health").asText();
    }

    private static Set<String> hostsOf(List<JsonNode> instances) {
        Set<String> out = new HashSet<>();
        instances.forEach(i -> out.add(i.get("hostId").asText()));
        return out;
    }

    private int indexOf(String hostId) {
        return hostIds.entrySet().stream().filter(e -> e.getValue().equals(hostId)).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("instance on unknown host " + hostId));
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** Waits until the app has exactly {@code count} instances, all healthy, each answering {@code GET /} with it. */
    private List<JsonNode> assertServing(String app, int count, String version) {
        await().atMost(DEPLOY).pollInterval(POLL).untilAsserted(() -> {
            List<JsonNode> now = instances(app);
            assertThat(now).as("instances of %s", app).hasSize(count);
            for (JsonNode i : now) {
                assertThat(state(i)).as("state of %s", i).isEqualTo("healthy");
                assertThat(Probe.body(i.get("address").asText(), "/")).as("%s answers on its address", i)
                        .startsWith("testapp " + version + " ");
            }
        });
        return instances(app);
    }

    /** POST …/deploys?explain=true: the plan, nothing done. */
    private JsonNode explain(String app, String image) {
        Api.Response r = api.post(deploys(app) + "?explain=true", admin,
                image == null ? "{}" : "{\"image\":" + Api.q(image) + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static List<String> placedHosts(JsonNode explanation) {
        List<String> out = new ArrayList<>();
        explanation.get("placements").forEach(p -> out.add(p.get("hostId").asText()));
        return out;
    }

    /** The deploy id of a 202 answer: {@code {"id"}} (or an answer that nests the deploy). */
    private static String deployId(Api.Response r) {
        assertThat(r.status()).as("a change to running containers answers 202: %s", r).isEqualTo(202);
        JsonNode j = r.json();
        String id = j.has("id") ? j.get("id").asText() : j.path("deploy").path("id").asText();
        assertThat(id).as(r.toString()).isNotBlank();
        return id;
    }

    /** Follows the deploy a 202 answer names until it succeeded or failed. */
    private JsonNode followed(Api.Response accepted) {
        return awaitDeploy(deployId(accepted));
    }

    private JsonNode awaitDeploy(String id) {
        return await().atMost(DEPLOY).pollInterval(POLL)
                .until(() -> api.get("/api/deploys/" + id, admin), r -> {
                    assertThat(r.status()).as(r.toString()).isEqualTo(200);
                    String s = r.json().get("status").asText();
                    return s.equals("succeeded") || s.equals("failed");
                }).json();
    }

    private static void assertSucceeded(JsonNode deploy, String kind) {
        assertThat(deploy.get("status").asText()).as("%s", deploy).isEqualTo("succeeded");
        if (kind != null) {
            assertThat(deploy.path("kind").asText(kind)).isEqualTo(kind);
        }
    }

    /**
     * Runs a change while watching the app serve: follows the deploy it answered, and asserts that every observation
     * made meanwhile saw at least {@code wanted} instances answer 2xx on their addresses.
     */
    private JsonNode watched(String app, int wanted, Supplier<Api.Response> change) {
        JsonNode deploy;
        List<ServingWatch.Observation> seen;
        try (ServingWatch watch = ServingWatch.start(api, admin, app)) {
            deploy = followed(change.get());
            seen = watch.stop();
        }
        assertZeroDowntime(seen, wanted);
        return deploy;
    }

    private static void assertZeroDowntime(List<ServingWatch.Observation> seen, int wanted) {
        assertThat(seen).as("observations while the change ran").hasSizeGreaterThanOrEqualTo(5);
        long short_ = seen.stream().filter(o -> o.answering() < wanted).count();
        assertThat(short_).as("observations with fewer than %d instances answering, of %d (changes and SHORT ones):%n%s",
                wanted, seen.size(), ServingWatch.timeline(seen, wanted)).isZero();
    }

    private static void assertProblem(Api.Response r, int status, String slug) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("type").asText()).startsWith("/problems/");
        if (slug != null) {
            assertThat(p.get("type").asText()).as(r.toString()).isEqualTo("/problems/" + slug);
        }
        assertThat(p.path("detail").asText()).as(r.toString()).isNotBlank();
    }
}
