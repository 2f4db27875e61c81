package org.dockerera.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime swaps under bounded load through the built-in router (8 keep-alive connections): the strategy switched by
 * config, the HAProxy router backend installed and removed as a feature, then the scheduler and the provider bundles
 * updated in place ({@code bundle:update}) to "rebuilt" jars whose Bundle-Version ({@code 0.1.0.rebuilt}) the plugin
 * listing shows, and an operator route file posting deploy events to a webhook dropped in and deleted. No request
 * may fail, the apps and releases survive, a deploy started just before the provider update finishes, a deploy
 * afterwards works, and the webhook got exactly the events of the deploy made while its route was there. Each swap's time to take effect is printed (no timed assertion).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginSwapIT {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration DEPLOY = Duration.ofSeconds(90);
    private static final Duration SWAP = Duration.ofSeconds(60);
    private static final String HEALTH = "{\"path\":\"/health\",\"intervalMs\":500,\"timeoutMs\":500,"
            + "\"healthyThreshold\":1,\"unhealthyThreshold\":2,\"startIntervalMs\":100,\"startTimeoutMs\":20000}";
    private static final String REBUILT = "0.1.0.rebuilt";

    private final TestEnv env = TestEnv.load();
    private final String app = "swap-" + Long.toHexString(System.currentTimeMillis() % 0xfffffffL) + ".plugins.test";
    private final List<String> hostUrls = new ArrayList<>();
    private final Map<String, String> measured = new LinkedHashMap<>();
    private Distribution dist;
    private int haproxyPort;
    private Api api;
    private String admin;
    private PluginHelp plugins;
    private Path work;

    @BeforeAll
    void boot(@TempDir Path dir) throws Exception {
        work = dir;
        dist = Distribution.create(dir);
        haproxyPort = Distribution.freePort();
        dist.setProperty("etc/org.dockerera.router.haproxy.cfg", "listenHost", "127.0.0.1");
        dist.setProperty("etc/org.dockerera.router.haproxy.cfg", "port", String.valueOf(haproxyPort));
        api = new Api(dist.baseUrl());
        dist.start();
        dist.awaitApi(BOOT);
        admin = dist.adminToken();
        plugins = new PluginHelp(api, admin);
        for (int n : env.hostIndexes().subList(0, 3)) {
            String url = env.tcpUrl(n);
            hostUrls.add(url);
            assertThat(api.post("/api/hosts", admin, "{\"url\":" + Api.q(url) + "}").status()).isEqualTo(201);
        }
    }

    @AfterAll
    void shutdown() throws Exception {
        try {
            if (dist != null) {
                dist.close();
                haproxyMaster().ifPresent(ProcessHandle::destroy);
            }
        } finally {
            for (String url : hostUrls) {
                Docker.removeContainersOf(url, app);
            }
        }
    }

    @Test
    void strategyRouterBackendSchedulerAndProviderSwapsUnderLoadFailNoRequestAndLoseNoState() throws Exception {
        assertThat(api.post("/api/apps", admin, "{\"name\":" + Api.q(app) + ",\"instances\":2,\"drainTimeoutMs\":1500,"
                + "\"health\":" + HEALTH + "}").status()).isEqualTo(201);
        assertThat(deploy(env.get("image.v1")).get("status").asText()).isEqualTo("succeeded");
        assertThat(RouterIT.Client.once(dist.routerPort(), "GET", app, "/", null).status()).isEqualTo(200);
        Path schedulerJar = PluginHelp.withBundleVersion(PluginHelp.systemJar(dist, "dockerera-scheduler",
                "0.1.0-SNAPSHOT"), REBUILT, work.resolve("dockerera-scheduler-rebuilt.jar"));
        Path providerJar = PluginHelp.withBundleVersion(PluginHelp.systemJar(dist, "dockerera-provider-docker",
                "0.1.0-SNAPSHOT"), REBUILT, work.resolve("dockerera-provider-docker-rebuilt.jar"));

        Load load = new Load(dist.routerPort(), app, 8);
        try {
            // 1. strategy: a config change (dockerera:strategy-set writes etc/org.dockerera.scheduler.cfg's pid)
            long t = System.nanoTime();
            dist.client("dockerera:strategy-set binpack");
            long returned = System.nanoTime();
            plugins.awaitImplementation("strategy", "binpack", i -> i != null && i.get("active").asBoolean(), SWAP);
            record(returned, "strategy spread -> binpack (strategy-set)", t, load);

            // 2. router backend added and removed: feature install / uninstall
            t = System.nanoTime();
            dist.client("feature:install dockerera-router-haproxy");
            returned = System.nanoTime();
            plugins.awaitImplementation("router", "haproxy", i -> i != null && i.get("health").asText().equals("up"),
                    SWAP);
            await().atMost(SWAP).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> RouterIT.Client.once(haproxyPort, "GET", app, "/", null).status() == 200);
            record(returned, "router backend haproxy added (feature:install), serving the app", t, load);
            t = System.nanoTime();
            dist.client("feature:uninstall dockerera-router-haproxy");
            returned = System.nanoTime();
            plugins.awaitImplementation("router", "haproxy", i -> i == null, SWAP);
            record(returned, "router backend haproxy removed (feature:uninstall)", t, load);
            assertThat(haproxyMaster()).as("HAProxy stopped with its bundle").isEmpty();

            // 3. the scheduler bundle updated in place
            int releasesBefore = releases();
            t = System.nanoTime();
            dist.client("bundle:update dockerera-scheduler file:" + schedulerJar);
            returned = System.nanoTime();
            plugins.awaitImplementation("strategy", "binpack", i -> i != null && i.get("version").asText()
                    .equals(REBUILT) && i.get("active").asBoolean(), SWAP);
            record(returned, "scheduler bundle:update -> " + REBUILT, t, load);
            assertThat(deploy(env.get("image.v2")).get("status").asText()).as("a deploy placed by the new scheduler")
                    .isEqualTo("succeeded");

            // 4. the provider bundle updated in place while a deploy runs
            Api.Response started = api.post("/api/apps/" + app + "/deploys", admin,
                    "{\"image\":" + Api.q(env.get("image.v1")) + "}");
            assertThat(started.status()).as(started.toString()).isEqualTo(202);
            t = System.nanoTime();
            dist.client("bundle:update dockerera-provider-docker file:" + providerJar);
            returned = System.nanoTime();
            plugins.awaitImplementation("provider", "docker", i -> i != null && i.get("version").asText()
                    .equals(REBUILT) && i.get("health").asText().equals("up"), SWAP);
            record(returned, "provider bundle:update -> " + REBUILT, t, load);
            JsonNode inFlight = awaitDeploy(started.json().get("id").asText());
            assertThat(inFlight.get("status").asText()).as("the deploy in flight during the provider update: %s "
                    + "events %s", inFlight, api.get("/api/deploys/" + inFlight.path("id").asText() + "/events",
                    admin).body()).isEqualTo("succeeded");
            JsonNode after = deploy(env.get("image.v2"));
            assertThat(after.get("status").asText()).as("a deploy after the swaps: %s events %s hosts %s", after,
                    api.get("/api/deploys/" + after.path("id").asText() + "/events", admin).body(),
                    api.get("/api/hosts", admin).body()).isEqualTo("succeeded");

            // the controller kept its state: the app, every release, and the hosts
            assertThat(api.get("/api/apps/" + app, admin).status()).isEqualTo(200);
            assertThat(releases()).isEqualTo(releasesBefore + 3);
            assertThat(api.get("/api/hosts", admin).json()).hasSize(3)
                    .allSatisfy(h -> assertThat(h.get("status").asText()).isEqualTo("up"));

            // 5. an operator route file posting deploy events to a receiver here: dropped in, then deleted
            operatorRouteAddedAndRemoved(load);
        } finally {
            load.stop();
        }
        System.out.println("PluginSwapIT: swaps under load (ms from issuing the shell command, bin/client start"
                + " included, until the listing shows the result; failed requests so far):");
        measured.forEach((k, v) -> System.out.println("PluginSwapIT:   " + k + ": " + v));
        System.out.println("PluginSwapIT: requests served " + load.ok.get() + ", failed " + load.failures.size());
        assertThat(load.ok.get()).as("requests served").isGreaterThan(200);
        assertThat(load.failures).as("non-2xx answers and socket errors through the built-in router").isEmpty();
        JsonNode list = plugins.plugins();
        assertThat(PluginHelp.implementation(list, "provider", "docker").orElseThrow().get("version").asText())
                .isEqualTo(REBUILT);
        assertThat(PluginHelp.implementation(list, "strategy", "spread").orElseThrow().get("version").asText())
                .isEqualTo(REBUILT);
    }

    /**
     * Drops the shipped webhook example (pointed at a receiver in this JVM) into {@code etc/dockerera/routes/}, deploys,
     * deletes the file and deploys again: the receiver got exactly the deploy events of the first deploy.
     */
    private void operatorRouteAddedAndRemoved(Load load) throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(Api.JSON.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            Path routes = dist.home().resolve("etc/dockerera/routes");
            String webhook = Files.readString(dist.home().resolve("etc/dockerera/routes.examples/deploy-webhook.yaml"))
                    .replace("http://127.0.0.1:9000/hook", "http://127.0.0.1:" + receiver.getAddress().getPort()
                            + "/hook");
            long t = System.nanoTime();
            Path tmp = routes.resolveSibling("deploy-webhook.yaml.tmp");
            Files.writeString(tmp, webhook);
            Files.move(tmp, routes.resolve("deploy-webhook.yaml"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            await().atMost(SWAP).pollInterval(Duration.ofMillis(50)).until(() -> "Started".equals(routeState()));
            record(System.nanoTime(), "operator route deploy-webhook added (file dropped in)", t, load);

            JsonNode withRoute = deploy(env.get("image.v1"));
            assertThat(withRoute.get("status").asText()).isEqualTo("succeeded");
            String id = withRoute.get("id").asText();
            await().atMost(SWAP).pollInterval(Duration.ofMillis(50)).until(() -> received.stream()
                    .anyMatch(e -> e.path("type").asText().equals("deploy.succeeded")));
            List<String> expected = new ArrayList<>();
            // the deploy's own record of its events (SSE that ends after the replay of a finished deploy)
            for (String line : api.get("/api/deploys/" + id + "/events", admin).body().split("\n")) {
                if (line.startsWith("data: ")) {
                    String type = Api.JSON.readTree(line.substring(6)).path("type").asText();
                    if (type.startsWith("deploy.")) {
                        expected.add(type);
                    }
                }
            }

            t = System.nanoTime();
            Files.delete(routes.resolve("deploy-webhook.yaml"));
            await().atMost(SWAP).pollInterval(Duration.ofMillis(50)).until(() -> routeState() == null);
            record(System.nanoTime(), "operator route deploy-webhook removed (file deleted)", t, load);
            JsonNode withoutRoute = deploy(env.get("image.v2"));
            assertThat(withoutRoute.get("status").asText()).isEqualTo("succeeded");

            assertThat(received).as("only the events of the deploy made while the route was there")
                    .allSatisfy(e -> assertThat(e.path("deployId").asText()).isEqualTo(id));
            assertThat(received.stream().map(e -> e.path("type").asText()).toList())
                    .as("every deploy event of that deploy, once").containsExactlyInAnyOrderElementsOf(expected)
                    .contains("deploy.queued", "deploy.started", "deploy.succeeded");
        } finally {
            receiver.stop(0);
        }
    }

    /** The state of the route {@code deploy-webhook} in GET /api/camel/routes; null when there is none. */
    private String routeState() {
        for (JsonNode r : api.get("/api/camel/routes", admin).json().path("routes")) {
            if (r.path("id").asText().equals("deploy-webhook")) {
                return r.path("state").asText();
            }
        }
        return null;
    }

    /** The time from issuing the command until the listing showed its result, and how much of it bin/client took. */
    private void record(long returnedNanos, String swap, long startNanos, Load load) {
        long now = System.nanoTime();
        measured.put(swap, (now - startNanos) / 1_000_000 + " ms (bin/client returned after "
                + (returnedNanos - startNanos) / 1_000_000 + " ms, visible " + (now - returnedNanos) / 1_000_000
                + " ms later), failed requests so far " + load.failures.size());
    }

    private int releases() {
        return api.get("/api/apps/" + app + "/releases", admin).json().size();
    }

    private JsonNode deploy(String image) {
        Api.Response r = api.post("/api/apps/" + app + "/deploys", admin, "{\"image\":" + Api.q(image) + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return awaitDeploy(r.json().get("id").asText());
    }

    private JsonNode awaitDeploy(String id) {
        return await().atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> api.get("/api/deploys/" + id, admin).json(), d -> {
                    String s = d.get("status").asText();
                    return s.equals("succeeded") || s.equals("failed");
                });
    }

    private java.util.Optional<ProcessHandle> haproxyMaster() {
        try {
            Path pid = dist.home().resolve("data/dockerera/haproxy/haproxy.pid");
            return Files.exists(pid) ? ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).trim()))
                    : java.util.Optional.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Keep-alive GETs through a router until stopped: 2xx counted, anything else kept. */
    static final class Load {
        final AtomicLong ok = new AtomicLong();
        final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService pool;
        private final List<Future<?>> clients = new ArrayList<>();

        Load(int port, String host, int connections) {
            pool = Executors.newFixedThreadPool(connections);
            for (int c = 0; c < connections; c++) {
                clients.add(pool.submit(() -> {
                    RouterIT.Client client = null;
                    while (running.get()) {
                        try {
                            if (client == null) {
                                client = new RouterIT.Client(port);
                            }
                            RouterIT.Client.Reply r = client.send("GET", host, "/", null);
                            if (r.status() / 100 == 2) {
                                ok.incrementAndGet();
                            } else {
                                failures.add(r.status() + " " + r.body().trim());
                            }
                            if (r.close()) {
                                client.close();
                                client = null;
                            }
                        } catch (IOException e) {
                            failures.add("socket error: " + e);
                            if (client != null) {
                                client.close();
                            }
                            client = null;
                        }
                    }
                    if (client != null) {
                        client.close();
                    }
                    return null;
                }));
            }
        }

        void stop() throws Exception {
            running.set(false);
            for (Future<?> f : clients) {
                f.get();
            }
            pool.shutdown();
        }
    }
}
