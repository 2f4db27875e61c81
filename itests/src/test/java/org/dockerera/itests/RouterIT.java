package org.dockerera.itests;

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
 * The zero-downtime proof through the built-in router of the distribution: bounded load (20 keep-alive connections,
 * GETs and POSTs) while deploys and a rollback replace every instance, against 3 real daemons.
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
    private Api api;
    private String admin;

    @BeforeAll
    void boot(@TempDir Path work) throws Exception {
        dist = Distribution.create(work);
        api = new Api(dist.baseUrl());
        dist.start();
        await().atMost(BOOT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> api.get("/api/health", null).status() == 200);
        Path tokenFile = dist.home().resolve("data/dockerera/admin.token");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(tokenFile));
        admin = Files.readString(tokenFile).trim();
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
            }
        } finally {
            for (String url : hostUrls) {
                Docker.removeContainersOf(url, app);
            }
        }
    }

    @Test
    @Order(1)
    void theBuiltInRouterIsRegisteredAndRoutesTheAppsHostToItsInstances() throws IOException {
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/routers", admin).json().size() == 1);
        JsonNode router = api.get("/api/routers", admin).json().get(0);
        assertThat(router.get("type").asText()).isEqualTo("builtin");
        assertThat(router.get("url").asText()).isEqualTo("http://127.0.0.1:" + dist.routerPort());
        assertThat(api.post("/api/apps", admin, "{\"name\":" + Api.q(app) + ",\"instances\":2,\"drainTimeoutMs\":1500,"
                + "\"health\":" + HEALTH + "}").status()).isEqualTo(201);
        assertThat(deploy(env.get("image.v1")).get("status").asText()).isEqualTo("succeeded");
        Client.Reply r = Client.once(dist.routerPort(), "GET", app, "/", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("testapp v1 ");
        assertThat(Client.once(dist.routerPort(), "GET", "unknown.test", "/", null).status()).isEqualTo(404);
        JsonNode routes = api.get("/api/routes", admin).json();
        assertThat(routes.get("epoch").asLong()).isEqualTo(api.get("/api/routers", admin).json().get(0).get("epoch")
                .asLong());
    }

    @Test
    @Order(2)
    void fiveDeploysAndARollbackUnderLoadFailNoRequestAndNoInstanceServesAfterItsSigterm() throws Exception {
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
                    for (JsonNode i : api.get("/api/apps/" + app + "/instances", admin).json()) {
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
                            client = new Client(dist.routerPort());
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
            assertThat(deploy(image).get("status").asText()).as("deploy of " + image).isEqualTo("succeeded");
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
        assertThat(failures).as("non-2xx answers and socket errors during 5 deploys and a rollback").isEmpty();
        String routerId = api.get("/api/routers", admin).json().get(0).get("id").asText();
        JsonNode stats = api.get("/api/routers/" + routerId + "/stats", admin).json();
        assertThat(stats.path(app).path("retries").asLong()).as("the router never had to retry").isZero();
        assertThat(stats.path(app).path("requests").asLong()).isGreaterThan(500);
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

    @Test
    @Order(3)
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
                assertThat(routers).hasSize(2);
                assertThat(routers).allSatisfy(r -> {
                    assertThat(r.get("status").asText()).isEqualTo("up");
                    assertThat(r.get("epoch").asLong()).isEqualTo(api.get("/api/routes", admin).json().get("epoch")
                            .asLong());
                });
            });
            assertThat(Client.once(routerPort, "GET", app, "/", null).body()).startsWith("testapp ");
            dist.kill9(); // the controller (and the router in its JVM) is gone: the router-only one serves its last table
            for (int i = 0; i < 20; i++) {
                Client.Reply r = Client.once(routerPort, "GET", app, "/", null);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).startsWith("testapp ");
            }
        } finally {
            new ProcessBuilder(home.resolve("bin/stop").toString()).start().waitFor();
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.allProcesses().noneMatch(h -> h.info()
                    .arguments().map(a -> java.util.Arrays.asList(a).contains("-Dkaraf.home=" + home)).orElse(false)));
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
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
        record Reply(int status, String body, boolean close) {
        }

        private final Socket socket;
        private final InputStream in;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
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
            String l;
            while (!(l = line()).isEmpty()) {
                String lower = l.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(l.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
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
            return new Reply(code, out.toString(StandardCharsets.UTF_8), close);
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
}
