package org.dockerera.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two controllers (two distributions) sharing one real redis-server (AOF fsync always): only the lease holder acts,
 * the other serves reads and its router follows the route table from the store; kill -9 of the active one mid-deploy
 * makes the standby take over and finish that deploy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllersIT {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration DEPLOY = Duration.ofSeconds(90);
    private static final long LEASE_MS = 4000;
    private static final String HEALTH = "{\"path\":\"/health\",\"intervalMs\":500,\"timeoutMs\":500,"
            + "\"healthyThreshold\":1,\"unhealthyThreshold\":2,\"startIntervalMs\":100,\"startTimeoutMs\":15000}";

    private final TestEnv env = TestEnv.load();
    private final String app = "ha" + Long.toHexString(System.currentTimeMillis() % 0xfffffffL) + ".test";
    private final List<String> hostUrls = new ArrayList<>();
    private Distribution a;
    private Distribution b;
    private Api apiA;
    private Api apiB;
    private String admin;
    private Path redisDir;
    private int redisPort;
    private Process redis;

    @BeforeAll
    void twoControllersOnOneRedis(@TempDir Path work) throws Exception {
        redisDir = Files.createDirectories(work.resolve("redis"));
        redisPort = Distribution.freePort();
        redis = new ProcessBuilder("/usr/bin/redis-server", "--bind", "127.0.0.1", "--port", String.valueOf(redisPort),
                "--dir", redisDir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                "--logfile", "redis.log").redirectErrorStream(true).redirectOutput(redisDir.resolve("stdout").toFile())
                .start();
        a = onRedis(Distribution.create(Files.createDirectories(work.resolve("a"))));
        b = onRedis(Distribution.create(Files.createDirectories(work.resolve("b"))));
        a.start();
        apiA = new Api(a.baseUrl());
        a.awaitApi(BOOT);
        admin = a.adminToken();
        await().atMost(Duration.ofSeconds(30)).until(() -> role(apiA).equals("active"));
        // the second controller shares the cluster key (secrets in the store are sealed with it) and the store
        Files.copy(a.home().resolve("etc/dockerera.key"), b.home().resolve("etc/dockerera.key"),
                StandardCopyOption.REPLACE_EXISTING);
        b.start();
        apiB = new Api(b.baseUrl());
        b.awaitApi(BOOT);
    }

    /** Boots on Redis directly: the Redis feature at boot, {@code backend = redis}, a short lease. */
    private Distribution onRedis(Distribution d) throws IOException {
        d.setProperty("etc/org.dockerera.store.redis.cfg", "uri", "redis://127.0.0.1:" + redisPort);
        d.setProperty("etc/org.dockerera.store.cfg", "backend", "redis");
        d.setProperty("etc/org.dockerera.controller.cfg", "lease.ms", String.valueOf(LEASE_MS));
        Path features = d.home().resolve("etc/org.apache.karaf.features.cfg");
        String cfg = Files.readString(features);
        assertThat(cfg).contains("dockerera/0.1.0.SNAPSHOT, \\");
        Files.writeString(features, cfg.replace("dockerera/0.1.0.SNAPSHOT, \\",
                "dockerera/0.1.0.SNAPSHOT, \\\n    dockerera-store-redis/0.1.0.SNAPSHOT, \\"));
        return d;
    }

    @AfterAll
    void cleanUp() throws Exception {
        try {
            for (Distribution d : new Distribution[] {a, b}) {
                if (d != null) {
                    d.close();
                }
            }
        } finally {
            if (redis != null) {
                redis.destroy();
                redis.waitFor(10, TimeUnit.SECONDS);
            }
            for (String h : hostUrls) {
                Docker.removeContainersOf(h, app);
            }
        }
    }

    private String role(Api api) {
        return api.get("/api/controller", admin).json().path("role").asText();
    }

    private JsonNode controller(Api api) {
        return api.get("/api/controller", admin).json();
    }

    @Test
    @Order(1)
    void onlyOneActsTheStandbyNamesItAndRefusesChanges() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> role(apiB).equals("standby")
                && controller(apiB).path("activeId").asText().equals(controller(apiA).path("id").asText()));
        assertThat(role(apiA)).isEqualTo("active");
        JsonNode seenByB = controller(apiB);
        assertThat(seenByB.path("activeUrl").asText()).endsWith(":" + a.baseUrl().replaceAll(".*:", ""));
        assertThat(seenByB.path("id").asText()).isNotEqualTo(seenByB.path("activeId").asText());

        Api.Response refused = apiB.post("/api/hosts", admin, "{\"url\":" + Api.q(env.tcpUrl(env.hostIndexes().get(0)))
                + "}");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.json().path("type").asText()).isEqualTo("/problems/standby");
        assertThat(refused.json().path("detail").asText()).contains(seenByB.path("activeId").asText())
                .contains(seenByB.path("activeUrl").asText());
        assertThat(apiB.get("/api/hosts", admin).json()).isEmpty();

        // the shell says the same
        assertThat(b.client("dockerera:controller-info")).contains("standby").contains(seenByB.path("activeId").asText());
        assertThat(b.client("dockerera:app-add standby-" + app)).contains("standby");
    }

    @Test
    @Order(2)
    void changesMadeOnTheActiveAreReadOnTheStandbyAndItsRouterServesTheApp() {
        for (int n : env.hostIndexes().subList(0, 2)) {
            hostUrls.add(env.tcpUrl(n));
            Api.Response r = apiA.post("/api/hosts", admin, "{\"url\":" + Api.q(env.tcpUrl(n)) + "}");
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
        }
        assertThat(apiA.post("/api/apps", admin, "{\"name\":" + Api.q(app) + ",\"instances\":2,\"health\":" + HEALTH
                + "}").status()).isEqualTo(201);
        String id = deploy(apiA, "image.v1");
        assertThat(awaitDeploy(apiA, id).path("status").asText()).isEqualTo("succeeded");

        assertThat(apiB.get("/api/apps/" + app, admin).json().path("activeRelease").asInt()).isEqualTo(1);
        // the standby monitors the hosts added on the active, and its router follows the table from the store
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(apiB.get("/api/hosts", admin).json()
                .findValuesAsText("status")).containsExactly("up", "up"));
        await().atMost(Duration.ofSeconds(20)).until(() -> servingVersion(b, "v1"));
        assertThat(servingVersion(a, "v1")).isTrue();
    }

    @Test
    @Order(3)
    void killingTheActiveMidDeployMakesTheStandbyTakeOverAndFinishTheDeploy() throws Exception {
        String before = controller(apiA).path("id").asText();
        String id = deploy(apiA, "image.v2");
        List<String> standbyRoles = new CopyOnWriteArrayList<>();
        await().atMost(DEPLOY).pollInterval(Duration.ofMillis(20)).until(() -> {
            standbyRoles.add(role(apiB));
            JsonNode d = apiA.get("/api/deploys/" + id, admin).json();
            return d.path("status").asText().equals("running");
        });
        assertThat(standbyRoles).as("the standby never acted while the active held the lease")
                .containsOnly("standby");
        long killed = System.nanoTime();
        a.kill9();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> role(apiB).equals("active"));
        long tookOverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        JsonNode now = controller(apiB);
        assertThat(now.path("activeId").asText()).isEqualTo(now.path("id").asText()).isNotEqualTo(before);
        System.out.printf("controller failover: kill -9 of the active -> standby active in %d ms (lease %d ms)%n",
                tookOverMs, LEASE_MS);

        JsonNode done = awaitDeploy(apiB, id);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(apiB.get("/api/apps/" + app, admin).json().path("activeRelease").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> servingVersion(b, "v2"));
        await().atMost(DEPLOY).untilAsserted(() -> {
            int containers = 0;
            for (String h : hostUrls) {
                containers += Docker.containersOf(h, app).size();
            }
            assertThat(containers).as("exactly the 2 instances of v2, nothing left of v1 or half-done").isEqualTo(2);
        });
        // changes now go to the new active
        Api.Response scaled = apiB.post("/api/tokens", admin, "{\"name\":\"after-failover\",\"scope\":\"read\"}");
        assertThat(scaled.status()).as(scaled.toString()).isEqualTo(201);
    }

    @Test
    @Order(4)
    void theOldActiveRestartsAsStandbyNamingTheNewOne() throws Exception {
        String active = controller(apiB).path("id").asText();
        a.start();
        a.awaitApi(BOOT);
        await().atMost(Duration.ofSeconds(30)).until(() -> role(apiA).equals("standby")
                && controller(apiA).path("activeId").asText().equals(active));
        assertThat(role(apiB)).isEqualTo("active");
        Api.Response refused = apiA.post("/api/apps", admin, "{\"name\":\"late-" + app + "\"}");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().path("detail").asText()).contains(active);
        // and its router follows the new active's table
        await().atMost(Duration.ofSeconds(20)).until(() -> servingVersion(a, "v2"));
    }

    @Test
    @Order(5)
    void aMigrationOnTheActiveLeavesTheStandbyOnTheOldStoreRefusingInsteadOfTakingOver() throws Exception {
        long leasesTakenByA = a.log().lines().filter(l -> l.contains("holds the lease")).count();
        // the active controller (B) moves the state into its own embedded store; A, still on Redis, is not told
        Api.Response m = apiB.post("/api/store/migrate", admin, "{\"to\":\"embedded\"}");
        assertThat(m.status()).as(m.toString()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> role(apiB).equals("active"));
        assertThat(apiB.get("/api/apps/" + app, admin).status()).isEqualTo(200);
        // A finds the record the migration left in Redis and refuses even reads, naming where the state went
        await().atMost(Duration.ofSeconds(10)).until(() -> apiA.get("/api/apps", admin).status() == 503);
        Api.Response refused = apiA.get("/api/apps", admin);
        assertThat(refused.json().path("type").asText()).isEqualTo("/problems/store-moved");
        assertThat(refused.json().path("detail").asText()).contains("migrated to embedded", "backend = embedded");
        // the lease in Redis is renewed by nobody now: A must not take it over and act on the frozen copy
        await().during(Duration.ofMillis(3 * LEASE_MS)).atMost(Duration.ofMillis(4 * LEASE_MS))
                .until(() -> a.log().lines().filter(l -> l.contains("holds the lease")).count() == leasesTakenByA);
        // both routers keep serving the app
        assertThat(servingVersion(b, "v2")).isTrue();
        assertThat(servingVersion(a, "v2")).isTrue();
    }

    private String deploy(Api api, String imageKey) {
        Api.Response d = api.post("/api/apps/" + app + "/deploys", admin, "{\"image\":" + Api.q(env.get(imageKey))
                + "}");
        assertThat(d.status()).as(d.toString()).isEqualTo(202);
        return d.json().path("id").asText();
    }

    private JsonNode awaitDeploy(Api api, String id) {
        await().atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            String s = api.get("/api/deploys/" + id, admin).json().path("status").asText();
            return s.equals("succeeded") || s.equals("failed");
        });
        return api.get("/api/deploys/" + id, admin).json();
    }

    private boolean servingVersion(Distribution d, String version) {
        Probe.Answer answer = Probe.viaRouter(d.routerPort(), app, "/");
        return answer != null && answer.status() == 200 && answer.body().startsWith("testapp " + version + " ");
    }
}
