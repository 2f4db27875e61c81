package org.dockerera.itests;

import org.dockerera.testing.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-downtime proof through the routers of the distribution (the built-in one, HAProxy and Apache httpd):
 * bounded load (20 keep-alive connections, GETs and POSTs) while deploys and a rollback replace every instance,
 * against 3 real daemons.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouterIT {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration DEPLOY = Duration.ofSeconds(90);
    private static final String HEALTH = "{\"path\":\"/health\",\"intervalMs\":500,\"timeoutMs\":500,"
            + "\"healthyThreshold\":1,\"unhealthyThreshold\":2,\"startIntervalMs\":100,\"startTimeoutMs\":20000}";

    private final TestEnv env = TestEnv.load();
    private final String app = "zd-" + Long.toHexString(System.currentTimeMillis() % 0xfffffffL) + ".router.test";
    private final List<String> hostUrls = new ArrayList<>();
    private Distribution dist;
    private int haproxyPort;
    private int apachePort;
    private Api api;
    private String admin;

    @BeforeAll
    void boot(@TempDir Path work) throws Exception {
        dist = Distribution.create(work);
        haproxyPort = freePort();
        dist.setProperty("etc/org.dockerera.router.haproxy.cfg", "listenHost", "127.0.0.1");
        dist.setProperty("etc/org.dockerera.router.haproxy.cfg", "port", String.valueOf(haproxyPort));
        apachePort = freePort();
        dist.setProperty("etc/org.dockerera.router.apache.cfg", "listenHost", "127.0.0.1");
        dist.setProperty("etc/org.dockerera.router.apache.cfg", "port", String.valueOf(apachePort));
        api = new Api(dist.baseUrl());
        dist.start();
        dist.awaitApi(BOOT);
        dist.client("feature:install dockerera-router-haproxy");
        dist.client("feature:install dockerera-router-apache");
        admin = dist.adminToken();
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
                haproxyMaster().ifPresent(ProcessHandle::destroy); // if the controller was killed before it stopped it
                apacheParents().forEach(ProcessHandle::destroy); // likewise: SIGTERM stops a parent and its children
            }
        } finally {
            for (String url : hostUrls) {
                Docker.removeContainersOf(url, app);
            }
        }
    }

    @Test
    @Order(1)
    void theBuiltInHaproxyAndApacheRoutersAreRegisteredAndRouteTheAppsHostToItsInstances() throws IOException {
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/routers", admin).json().size() == 3);
        Map<String, String> urls = new java.util.TreeMap<>();
        api.get("/api/routers", admin).json().forEach(r -> urls.put(r.get("type").asText(), r.get("url").asText()));
        assertThat(urls).containsExactlyInAnyOrderEntriesOf(Map.of("builtin", "http://127.0.0.1:" + dist.routerPort(),
                "haproxy", "http://127.0.0.1:" + haproxyPort, "apache", "http://127.0.0.1:" + apachePort));
        assertThat(api.post("/api/apps", admin, "{\"name\":" + Api.q(app) + ",\"instances\":2,\"drainTimeoutMs\":1500,"
                + "\"health\":" + HEALTH + "}").status()).isEqualTo(201);
        assertThat(deploy(env.get("image.v1")).get("status").asText()).isEqualTo("succeeded");
        Client.Reply r = Client.once(dist.routerPort(), "GET", app, "/", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("testapp v1 ");
        assertThat(Client.once(dist.routerPort(), "GET", "unknown.test", "/", null).status()).isEqualTo(404);
        awaitEveryRouterServesTheCurrentEpoch();
        Client.Reply viaHaproxy = Client.once(haproxyPort, "GET", app, "/", null);
        assertThat(viaHaproxy.status()).isEqualTo(200);
        assertThat(viaHaproxy.body()).startsWith("testapp v1 ");
        assertThat(Client.once(haproxyPort, "GET", "unknown.test", "/", null).status()).isEqualTo(404);
        Client.Reply viaApache = Client.once(apachePort, "GET", app, "/", null);
        assertThat(viaApache.status()).isEqualTo(200);
        assertThat(viaApache.body()).startsWith("testapp v1 ");
        assertThat(Client.once(apachePort, "GET", "unknown.test", "/", null).status()).isEqualTo(404);
    }

    /** Every registered router acknowledged the current table. */
    private void awaitEveryRouterServesTheCurrentEpoch() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            long epoch = api.get("/api/routes", admin).json().get("epoch").asLong();
            assertThat(api.get("/api/routers", admin).json()).allSatisfy(r -> {
                assertThat(r.get("epoch").asLong()).as(r.toString()).isEqualTo(epoch);
                assertThat(r.get("status").asText()).isEqualTo("up");
            });
        });
    }

    /** The httpd parents running the distribution's Apache router config (children stop with their parent). */
    private List<ProcessHandle> apacheParents() {
        String conf = dist.home().resolve("data/dockerera/apache/httpd.conf").toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> List.of(a).contains(conf)
                && List.of(a).contains("-DFOREGROUND")).orElse(false)
                && p.parent().map(pp -> !pp.info().arguments().map(a -> List.of(a).contains(conf)).orElse(false))
                .orElse(true)).toList();
    }

    /** Graceful reloads the distribution's httpd did so far (httpd logs each). */
    private long apacheReloads() throws IOException {
        Path log = dist.home().resolve("data/dockerera/apache/error.log");
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains("SIGUSR1 received"))
                .count() : 0;
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

    @Test
    @Order(2)
    void throughTheBuiltInRouterFiveDeploysAndARollbackUnderLoadFailNoRequest() throws Exception {
        zeroDowntime(dist.routerPort(), "builtin");
    }

    @Test
    @Order(3)
    void throughHaproxyFiveDeploysAndARollbackUnderLoadFailNoRequest() throws Exception {
        zeroDowntime(haproxyPort, "haproxy");
    }

    /**
     * Through Apache httpd, whose instance changes go through its balancer-manager: the deploys and the rollback
     * change instances only, so httpd must not have reloaded (a reload closes idle keep-alive connections). Its
     * balancer took every instance address of the earlier proofs too: memberSlots (64) covers them.
     */
    @Test
    @Order(4)
    void throughApacheFiveDeploysAndARollbackUnderLoadFailNoRequest() throws Exception {
        long reloads = apacheReloads();
        zeroDowntime(apachePort, "apache");
        assertThat(apacheReloads()).as("graceful reloads of httpd during the deploys").isEqualTo(reloads);
    }

    /**
     * 20 keep-alive connections (GETs and POSTs) through the router on {@code port} while 5 deploys and a rollback
     * replace every instance: no non-2xx answer, no socket error, and no container logs a request after its SIGTERM.
     */
    private void zeroDowntime(int port, String type) throws Exception {
        Map<String, Process> logFollowers = new ConcurrentHashMap<>();
        List<Path> logs = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        List<String> failures = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(21);
        // follow every container's log from the moment it is seen, to find requests served after SIGTERM
        Future<?> watcher = pool.submit(() -> {
            while (running.get()) {
                try {
                    for (JsonNode i : api.get("/api/apps/" + app + "/instances?stats=false", admin).json()) {
                        String container = i.path("containerId").asText(null);
                        if (container != null && !logFollowers.containsKey(container)) {
                            String host = hostUrl(i.get("hostId").asText());
                            Path log = Files.createTempFile("router-it-", ".log");
                            logs.add(log);
                            logFollowers.put(container, new ProcessBuilder("docker", "-H", host, "logs", "-f",
                                    container).redirectErrorStream(true).redirectOutput(log.toFile()).start());
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // next round
                }
                await().pollDelay(Duration.ofMillis(100)).until(() -> true);
            }
            return null;
        });
        List<Future<?>> load = new ArrayList<>();
        for (int c = 0; c < 20; c++) {
            boolean posts = c % 2 == 1;
            load.add(pool.submit(() -> {
                Client client = null;
                while (running.get()) {
                    try {
                        if (client == null) {
                            client = new Client(port);
                        }
                        Client.Reply r = posts ? client.send("POST", app, "/", "{\"n\":1}") : client.send("GET", app,
                                "/", null);
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
        List<String> images = List.of(env.get("image.v2"), env.get("image.v1"), env.get("image.v2"),
                env.get("image.v1"), env.get("image.v2"));
        for (String image : images) {
            JsonNode d = deploy(image);
            assertThat(d.get("status").asText()).as(() -> "deploy of " + image + ": " + d + "\nits release: "
                    + api.get("/api/apps/" + app + "/releases/" + d.path("release").asText(), admin).body()
                    + "\nits events: " + api.get("/api/deploys/" + d.path("id").asText() + "/events", admin).body()
                    + "\ninstances: " + api.get("/api/apps/" + app + "/instances", admin).body())
                    .isEqualTo("succeeded");
        }
        Api.Response rb = api.post("/api/apps/" + app + "/rollback", admin, "{}");
        assertThat(rb.status()).isEqualTo(202);
        assertThat(awaitDeploy(rb.json().get("id").asText()).get("status").asText()).isEqualTo("succeeded");
        running.set(false);
        for (Future<?> f : load) {
            f.get();
        }
        watcher.get();
        pool.shutdown();
        logFollowers.values().forEach(Process::destroy);

        assertThat(ok.get()).as("requests served").isGreaterThan(500);
        assertThat(failures).as("non-2xx answers and socket errors through " + type
                + " during 5 deploys and a rollback").isEmpty();
        if (type.equals("builtin")) {
            String routerId = routerId("builtin");
            JsonNode stats = api.get("/api/routers/" + routerId + "/stats", admin).json();
            assertThat(stats.path(app).path("retries").asLong()).as("the router never had to retry").isZero();
            assertThat(stats.path(app).path("requests").asLong()).isGreaterThan(500);
        }
        assertThat(logs).isNotEmpty();
        for (Path log : logs) {
            assertThat(Files.readString(log)).as("log of a container of " + app).doesNotContain("served-after-sigterm");
        }
        assertThat(logs.stream().anyMatch(l -> {
            try {
                return Files.readString(l).contains("received SIGTERM");
            } catch (IOException e) {
                return false;
            }
        })).as("old instances were stopped with SIGTERM while followed").isTrue();
    }

    private String routerId(String type) {
        for (JsonNode r : api.get("/api/routers", admin).json()) {
            if (r.get("type").asText().equals(type)) {
                return r.get("id").asText();
            }
        }
        throw new AssertionError("no " + type + " router registered");
    }

    @Test
    @Order(5)
    void httpsWithAnUploadedCertificateTheRedirectForwardingHeadersAnd503(@TempDir Path dir) throws Exception {
        TestCertificates.Pair cert = TestCertificates.selfSigned(dir, "rsa:2048", 2, false, app);
        Api.Response put = api.put("/api/apps/" + app + "/domains/" + app + "/cert", admin, "{\"cert\":"
                + Api.q(cert.cert()) + ",\"key\":" + Api.q(cert.key()) + "}");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        String fingerprint = put.json().get("fingerprint").asText();
        assertThat(api.get("/api/routes", admin).json().get("routes")).anySatisfy(r -> {
            assertThat(r.get("host").asText()).isEqualTo(app);
            assertThat(r.get("tls").asText()).isEqualTo(fingerprint);
        });
        assertThat(api.get("/api/routes", admin).body()).doesNotContain("PRIVATE KEY");
        awaitEveryRouterServesTheCurrentEpoch();

        try (Https https = new Https(dist.routerHttpsPort(), app, cert.cert())) {
            assertThat(https.peerSubject()).isEqualTo("CN=" + app);
            Client.Reply r = https.client.send("GET", app, "/headers", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).contains("X-Forwarded-Proto: https").contains("X-Forwarded-For: 127.0.0.1")
                    .contains("X-Forwarded-Host: " + app).contains("proto=https").containsPattern("X-Request-Id: \\S+");
            assertThat(https.client.send("POST", app, "/", "{}").body()).startsWith("testapp ");
        }
        // plain HTTP is served until the app asks for the redirect
        assertThat(Client.once(dist.routerPort(), "GET", app, "/", null).status()).isEqualTo(200);
        assertThat(api.put("/api/apps/" + app + "/https", admin, "{\"redirect\":true}").status()).isEqualTo(200);
        awaitEveryRouterServesTheCurrentEpoch();
        Client.Reply redirected = Client.once(dist.routerPort(), "GET", app, "/env/PORT?x=1", null);
        assertThat(redirected.status()).isEqualTo(308);
        assertThat(redirected.location()).isEqualTo("https://" + app + ":" + dist.routerHttpsPort() + "/env/PORT?x=1");
        assertThat(api.put("/api/apps/" + app + "/https", admin, "{\"redirect\":false}").status()).isEqualTo(200);
        awaitEveryRouterServesTheCurrentEpoch();
        assertThat(Client.once(dist.routerPort(), "GET", app, "/", null).status()).isEqualTo(200);
        assertThat(dist.client("dockerera:cert-list " + app)).contains(fingerprint);

        // a wrong certificate is refused with the reason
        TestCertificates.Pair other = TestCertificates.selfSigned(dir, "rsa:2048", 2, false, "other.test");
        Api.Response bad = api.put("/api/apps/" + app + "/domains/" + app + "/cert", admin, "{\"cert\":"
                + Api.q(other.cert()) + ",\"key\":" + Api.q(other.key()) + "}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body()).contains("invalid-certificate").contains("not " + app);

        // X-Forwarded-For through HAProxy too
        assertThat(Client.once(haproxyPort, "GET", app, "/headers", null).body())
                .containsIgnoringCase("X-Forwarded-For: 127.0.0.1"); // HAProxy sends header names in lower case

        // X-Forwarded-For through Apache too
        assertThat(Client.once(apachePort, "GET", app, "/headers", null).body())
                .containsIgnoringCase("X-Forwarded-For: 127.0.0.1");

        // an app without instances: 503 naming it, from every router
        String idle = "idle-" + app;
        assertThat(api.post("/api/apps", admin, "{\"name\":" + Api.q(idle) + "}").status()).isEqualTo(201);
        awaitEveryRouterServesTheCurrentEpoch();
        Client.Reply none = Client.once(dist.routerPort(), "GET", idle, "/", null);
        assertThat(none.status()).isEqualTo(503);
        assertThat(none.body()).contains(idle);
        assertThat(Client.once(haproxyPort, "GET", idle, "/", null).status()).isEqualTo(503);
        Client.Reply noneViaApache = Client.once(apachePort, "GET", idle, "/", null);
        assertThat(noneViaApache.status()).isEqualTo(503);
        assertThat(noneViaApache.body()).contains(idle);
    }

    @Test
    @Order(6)
    void aWebsocketSurvivesTableSwapsForOtherApps() throws Exception {
        String idle = "idle-" + app;
        for (int port : List.of(dist.routerPort(), haproxyPort)) {
            try (WebSocket ws = new WebSocket(port, app)) {
                assertThat(ws.echo("before " + port)).isEqualTo("before " + port);
                for (int i = 0; i < 3; i++) { // three new tables that do not touch this app
                    String domain = "ws" + i + "-" + port + ".swap.test";
                    assertThat(api.post("/api/apps/" + idle + "/domains", admin, "{\"domain\":" + Api.q(domain)
                            + "}").status()).isEqualTo(201);
                    awaitEveryRouterServesTheCurrentEpoch();
                    assertThat(ws.echo("after swap " + i)).isEqualTo("after swap " + i);
                }
            }
        }
    }

    @Test
    @Order(7)
    void aRouterOnlyProcessIsFedOverRestAndKeepsServingWithTheControllerGone(@TempDir Path work)
            throws Exception {
        Api.Response token = api.post("/api/tokens", admin, "{\"name\":\"router-only\",\"scope\":\"router\"}");
        assertThat(token.status()).as(token.toString()).isEqualTo(201);
        Path tokenFile = work.resolve("router.token");
        Files.writeString(tokenFile, token.json().get("token").asText());
        int routerPort = freePort();
        Path home = work.resolve("router-only");
        ProcessBuilder pb = new ProcessBuilder("bash", Path.of(System.getProperty("dockerera.scripts", "../scripts"),
                "router-only.sh").toString(), home.toString(), dist.baseUrl(), tokenFile.toString(),
                String.valueOf(routerPort), String.valueOf(freePort()), String.valueOf(freePort()),
                Path.of(System.getProperty("dockerera.distribution", "target/dist")).toAbsolutePath().toString());
        pb.environment().put("ROUTER_HTTPS_PORT", String.valueOf(freePort()));
        Process p = pb.redirectErrorStream(true).redirectOutput(work.resolve("router-only.out").toFile()).start();
        p.getOutputStream().close();
        assertThat(p.waitFor()).as(Files.exists(work.resolve("router-only.out"))
                ? Files.readString(work.resolve("router-only.out")) : "").isZero();
        try {
            await().atMost(BOOT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                JsonNode routers = api.get("/api/routers", admin).json();
                assertThat(routers).hasSize(4);
                assertThat(routers).allSatisfy(r -> {
                    assertThat(r.get("status").asText()).isEqualTo("up");
                    assertThat(r.get("epoch").asLong()).isEqualTo(api.get("/api/routes", admin).json().get("epoch")
                            .asLong());
                });
            });
            for (int port : List.of(routerPort, dist.routerPort(), haproxyPort, apachePort)) {
                assertThat(Client.once(port, "GET", app, "/", null).body()).as("through " + port)
                        .startsWith("testapp ");
            }
            // one router dies: the others serve, and the controller stops waiting for it once its lease is out
            ProcessHandle haproxy = haproxyMaster().orElseThrow();
            haproxy.destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> !haproxy.isAlive());
            for (int port : List.of(routerPort, dist.routerPort())) {
                assertThat(Client.once(port, "GET", app, "/", null).status()).as("through " + port).isEqualTo(200);
            }
            dist.kill9(); // the controller (and the router in its JVM) is gone: the router-only one serves its last table
            for (int i = 0; i < 20; i++) {
                Client.Reply r = Client.once(routerPort, "GET", app, "/", null);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).startsWith("testapp ");
            }
        } finally {
            Path log = home.resolve("data/log/karaf.log");
            if (Files.exists(log)) {
                Files.createDirectories(Path.of("target/karaf-logs"));
                Files.copy(log, Path.of("target/karaf-logs/router-only-" + System.currentTimeMillis() + ".log"));
            }
            new ProcessBuilder(home.resolve("bin/stop").toString()).start().waitFor();
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.allProcesses().noneMatch(h -> h.info()
                    .arguments().map(a -> java.util.Arrays.asList(a).contains("-Dkaraf.home=" + home)).orElse(false)));
        }
    }

    private static int freePort() {
        return Ports.free();
    }

    private String hostUrl(String hostId) {
        return api.get("/api/hosts/" + hostId, admin).json().get("url").asText();
    }

    private JsonNode deploy(String image) {
        Api.Response r = api.post("/api/apps/" + app + "/deploys", admin, "{\"image\":" + Api.q(image) + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return awaitDeploy(r.json().get("id").asText());
    }

    private JsonNode awaitDeploy(String id) {
        return org.awaitility.Awaitility.await().atMost(DEPLOY).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/api/deploys/" + id, admin).json(), d -> {
                    String s = d.get("status").asText();
                    return s.equals("succeeded") || s.equals("failed");
                });
    }

    /** A raw HTTP/1.1 keep-alive client (the JDK's refuses to set Host). */
    static final class Client {
        record Reply(int status, String body, boolean close, String location) {
        }

        private final Socket socket;
        private final InputStream in;

        Client(int port) throws IOException {
            this(new Socket("127.0.0.1", port));
        }

        Client(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
        }

        static Reply once(int port, String method, String host, String path, String body) throws IOException {
            Client c = new Client(port);
            try {
                return c.send(method, host, path, body);
            } finally {
                c.close();
            }
        }

        Reply send(String method, String host, String path, String body) throws IOException {
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (body != null ? "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n" : "")
                    + "\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
            String status = line();
            int code = Integer.parseInt(status.split(" ")[1]);
            int length = -1;
            boolean chunked = false;
            boolean close = false;
            String location = null;
            String l;
            while (!(l = line()).isEmpty()) {
                String lower = l.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(l.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                } else if (lower.startsWith("location:")) {
                    location = l.substring(9).trim();
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (chunked) {
                int size;
                while ((size = Integer.parseInt(line().trim(), 16)) > 0) {
                    out.write(in.readNBytes(size));
                    line();
                }
                line();
            } else if (length >= 0) {
                out.write(in.readNBytes(length));
            }
            return new Reply(code, out.toString(StandardCharsets.UTF_8), close, location);
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    b.write(c);
                }
            }
            if (c == -1 && b.size() == 0) {
                throw new IOException("connection closed by the router");
            }
            return b.toString(StandardCharsets.US_ASCII);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** A TLS connection to a router's HTTPS port with SNI, trusting only the given certificate. */
    static final class Https implements AutoCloseable {
        final javax.net.ssl.SSLSocket socket;
        final Client client;

        Https(int port, String sni, String trustedPem) throws Exception {
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("c", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(trustedPem.getBytes(StandardCharsets.US_ASCII))));
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            socket = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
            javax.net.ssl.SSLParameters p = socket.getSSLParameters();
            p.setServerNames(List.of(new javax.net.ssl.SNIHostName(sni)));
            socket.setSSLParameters(p);
            socket.startHandshake();
            client = new Client(socket);
        }

        String peerSubject() throws javax.net.ssl.SSLPeerUnverifiedException {
            return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** A minimal RFC 6455 client: text messages, masked as clients must. */
    static final class WebSocket implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        WebSocket(int port, String host) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
            byte[] nonce = new byte[16];
            new java.security.SecureRandom().nextBytes(nonce);
            String key = java.util.Base64.getEncoder().encodeToString(nonce);
            socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed during the handshake: " + head);
                }
                head.append((char) c);
            }
            String expected;
            try {
                expected = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            if (!head.toString().startsWith("HTTP/1.1 101") || !head.toString().contains(expected)) {
                throw new IOException("not a websocket handshake: " + head);
            }
        }

        String echo(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            byte[] mask = new byte[4];
            new java.security.SecureRandom().nextBytes(mask);
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x81);
            frame.write(0x80 | payload.length); // short messages only
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
            socket.getOutputStream().write(frame.toByteArray());
            socket.getOutputStream().flush();
            int b0 = in.read();
            int len = in.read();
            if (b0 != 0x81 || len < 0 || len > 125) {
                throw new IOException("unexpected frame " + b0 + "/" + len);
            }
            return new String(in.readNBytes(len), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
