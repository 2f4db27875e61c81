package org.dockerera.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config store switched at run time, end to end on the distribution: start on the embedded store with 2 hosts
 * and an app deployed, migrate to a real redis-server (AOF fsync always) under bounded load through the router and
 * writes through the API, restart on Redis, then kill -9 Redis and bring it back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StoreIT {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final String HEALTH = "{\"path\":\"/health\",\"intervalMs\":500,\"timeoutMs\":500,"
            + "\"healthyThreshold\":1,\"unhealthyThreshold\":2,\"startIntervalMs\":100,\"startTimeoutMs\":15000}";

    private final TestEnv env = TestEnv.load();
    private final String app = "st" + Long.toHexString(System.currentTimeMillis() % 0xfffffffL) + ".test";
    private final List<String> hostUrls = new ArrayList<>();
    /** Tokens whose creation the API acknowledged (201): every one must survive everything below. */
    private final Map<String, String> ackedTokens = new ConcurrentHashMap<>();
    private Distribution dist;
    private Api api;
    private String admin;
    private Path redisDir;
    private int redisPort;
    private Process redis;

    @BeforeAll
    void bootOnTheEmbeddedStoreWithAnAppDeployed(@TempDir Path work) throws Exception {
        redisDir = Files.createDirectories(work.resolve("redis"));
        redisPort = Distribution.freePort();
        startRedis();
        dist = Distribution.create(work);
        dist.setProperty("etc/org.dockerera.store.redis.cfg", "uri", "redis://127.0.0.1:" + redisPort);
        dist.start();
        api = new Api(dist.baseUrl());
        dist.awaitApi(BOOT);
        admin = dist.adminToken();
        for (int n : env.hostIndexes().subList(0, 2)) {
            hostUrls.add(env.tcpUrl(n));
            assertThat(api.post("/api/hosts", admin, "{\"url\":" + Api.q(env.tcpUrl(n)) + "}").status()).isEqualTo(201);
        }
        assertThat(api.post("/api/apps", admin, "{\"name\":" + Api.q(app) + ",\"instances\":2,\"health\":" + HEALTH
                + "}").status()).isEqualTo(201);
        Api.Response d = api.post("/api/apps/" + app + "/deploys", admin, "{\"image\":" + Api.q(env.get("image.v1")) + "}");
        assertThat(d.status()).as(d.toString()).isEqualTo(202);
        String id = d.json().path("id").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/api/deploys/" + id, admin).json().path("status").asText().equals("succeeded"));
        await().atMost(Duration.ofSeconds(10)).until(() -> routed());
        assertThat(store().path("active").path("backend").asText()).isEqualTo("embedded");
    }

    @AfterAll
    void cleanUp() throws Exception {
        try {
            if (dist != null) {
                dist.close();
            }
        } finally {
            stopRedis(false);
            for (String h : hostUrls) {
                Docker.removeContainersOf(h, app);
            }
        }
    }

    private void startRedis() throws IOException {
        redis = new ProcessBuilder("/usr/bin/redis-server", "--bind", "127.0.0.1", "--port", String.valueOf(redisPort),
                "--dir", redisDir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                "--logfile", "redis.log").redirectErrorStream(true).redirectOutput(redisDir.resolve("stdout").toFile())
                .start();
        await().atMost(Duration.ofSeconds(10)).until(() -> redisCli("PING").contains("PONG"));
    }

    private void stopRedis(boolean kill9) throws InterruptedException {
        if (redis != null && redis.isAlive()) {
            if (kill9) {
                redis.destroyForcibly();
            } else {
                redis.destroy();
            }
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private String redisCli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(redisPort)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private JsonNode store() {
        return api.get("/api/store", admin).json();
    }

    private boolean routed() {
        Probe.Answer a = Probe.viaRouter(dist.routerPort(), app, "/");
        return a != null && a.status() == 200;
    }

    /** Creates a token; remembers it when the API acknowledged it. Returns the status. */
    private Api.Response createToken(String name) {
        Api.Response r = api.post("/api/tokens", admin, "{\"name\":" + Api.q(name) + ",\"scope\":\"read\"}");
        if (r.status() == 201) {
            ackedTokens.put(name, r.json().path("id").asText());
        }
        return r;
    }

    private void assertEveryAckedTokenIsThere() {
        JsonNode tokens = api.get("/api/tokens", admin).json();
        List<String> names = tokens.findValuesAsText("name");
        assertThat(names).containsAll(ackedTokens.keySet());
    }

    @Test
    @Order(1)
    void migratingToRedisUnderLoadFailsNoRoutedRequestLosesNoWriteAndKeepsAllState() throws Exception {
        String before = dist.client("feature:install dockerera-store-redis");
        assertThat(before).doesNotContain("Error");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            for (JsonNode b : store().path("backends")) {
                if (b.path("name").asText().equals("redis") && b.path("status").path("health").asText().equals("up")) {
                    return true;
                }
            }
            return false;
        });
        JsonNode appBefore = api.get("/api/apps/" + app, admin).json();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicInteger fenced = new AtomicInteger();
        List<String> badWrites = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Future<?>> load = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            load.add(pool.submit(() -> {
                while (!stop.get()) {
                    Probe.Answer a = Probe.viaRouter(dist.routerPort(), app, "/");
                    if (a == null || a.status() != 200) {
                        failures.add(a == null ? "no answer" : a.status() + " " + a.body());
                    } else {
                        served.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        load.add(pool.submit(() -> {
            int i = 0;
            while (!stop.get()) {
                Api.Response r = createToken("mig-" + app.substring(0, 8) + "-" + i++);
                if (r.status() == 503 && r.body().contains("store-migrating")) {
                    fenced.incrementAndGet();
                } else if (r.status() != 201) {
                    badWrites.add(r.toString());
                }
            }
            return null;
        }));
        await().atMost(Duration.ofSeconds(10)).until(() -> served.get() > 50 && ackedTokens.size() > 5);

        Api.Response m = api.post("/api/store/migrate", admin, "{\"to\":\"redis\"}");
        assertThat(m.status()).as(m.toString()).isEqualTo(200);
        int keys = m.json().path("keys").asInt();
        assertThat(keys).isGreaterThan(10);
        await().atMost(Duration.ofSeconds(10)).until(() -> served.get() > 200);
        int acked = ackedTokens.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> ackedTokens.size() > acked + 5);
        stop.set(true);
        for (Future<?> f : load) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(failures).as("requests through the router during the migration (%d served)", served.get()).isEmpty();
        assertThat(badWrites).as("writes answered neither 201 nor 503 store-migrating").isEmpty();
        System.out.printf("StoreIT: migrated %d keys in %s ms of fence; %d routed requests, %d writes acked, %d fenced%n",
                keys, m.json().path("fencedMs").asText(), served.get(), ackedTokens.size(), fenced.get());

        JsonNode s = store();
        assertThat(s.path("active").path("backend").asText()).isEqualTo("redis");
        assertEveryAckedTokenIsThere();
        JsonNode appAfter = api.get("/api/apps/" + app, admin).json();
        assertThat(appAfter.path("activeRelease")).isEqualTo(appBefore.path("activeRelease"));
        assertThat(api.get("/api/hosts", admin).json()).hasSize(2);
        assertThat(api.get("/api/apps/" + app + "/instances", admin).json()).hasSize(2);
        assertThat(Files.readString(dist.home().resolve("etc/org.dockerera.store.cfg"))).contains("backend = redis");
        assertThat(Integer.parseInt(redisCli("DBSIZE").trim())).isPositive();

        // the state keeps working on Redis: a deploy goes through
        Api.Response d = api.post("/api/apps/" + app + "/deploys", admin, "{\"image\":" + Api.q(env.get("image.v2")) + "}");
        assertThat(d.status()).as(d.toString()).isEqualTo(202);
        String id = d.json().path("id").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/api/deploys/" + id, admin).json().path("status").asText().equals("succeeded"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Probe.viaRouter(dist.routerPort(), app, "/").body()
                .startsWith("testapp v2"));
    }

    @Test
    @Order(2)
    void aRestartStaysOnRedisWithAllState() throws Exception {
        dist.stop();
        dist.start();
        await().atMost(BOOT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> api.get("/api/store", admin).json().path("active").path("backend").asText().equals("redis"));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> api.get("/api/apps/" + app, admin).json().path("activeRelease").asInt() == 2);
        assertEveryAckedTokenIsThere();
        await().atMost(Duration.ofSeconds(30)).until(this::routed);
    }

    @Test
    @Order(3)
    void killingRedisGives503NamingTheStoreWhileRoutersServeAndEveryAckedWriteSurvivesItsReturn() throws Exception {
        assertThat(createToken("before-kill-" + app.substring(0, 6)).status()).isEqualTo(201);
        stopRedis(true);
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            Api.Response r = api.post("/api/tokens", admin, "{\"name\":\"during-kill\",\"scope\":\"read\"}");
            return r.status() == 503 && r.body().contains("store-unavailable") && r.body().contains("redis");
        });
        for (int i = 0; i < 20; i++) {
            assertThat(routed()).as("the router keeps serving its table").isTrue();
        }
        startRedis();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> createToken("after-return-" + app.substring(0, 6)).status() == 201);
        assertEveryAckedTokenIsThere();
        assertThat(api.get("/api/tokens", admin).json().findValuesAsText("name")).doesNotContain("during-kill");
    }
}
