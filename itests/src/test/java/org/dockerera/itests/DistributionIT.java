package org.dockerera.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the assembled distribution, started with bin/start (not Pax Exam, which cannot kill its own Karaf),
 * against real Docker daemons from scripts/env.sh.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributionIT {
    private static final Duration BOOT = Duration.ofSeconds(90);

    private final TestEnv env = TestEnv.load();
    private Distribution dist;
    private Api api;
    private String admin;
    private int hostA;
    private int hostB;

    @BeforeAll
    void boot(@TempDir Path work) throws Exception {
        List<Integer> hosts = env.hostIndexes();
        assertThat(hosts).as("scripts/env.sh must start at least two hosts").hasSizeGreaterThanOrEqualTo(2);
        hostA = hosts.get(0);
        hostB = hosts.get(1);
        dist = Distribution.create(work);
        api = new Api(dist.baseUrl());
        dist.start();
        awaitHealthy();
        admin = dist.adminToken();
    }

    @AfterAll
    void shutdown() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    private void awaitHealthy() {
        dist.awaitApi(BOOT);
    }

    @Test
    @Order(1)
    void firstStartWritesTheAdminTokenOwnerOnlyAndNeverLogsIt() throws Exception {
        Path tokenFile = dist.home().resolve("data/dockerera/admin.token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(admin).hasSizeGreaterThanOrEqualTo(32);
        String log = dist.log();
        assertThat(log).contains(tokenFile.toString()).doesNotContain(admin);
        assertThat(api.get("/api/hosts", admin).status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void everyEndpointButHealthRefusesMissingWrongAndRevokedTokens() {
        JsonNode created = api.post("/api/tokens", admin, "{\"name\":\"soon-revoked\",\"scope\":\"admin\"}").json();
        String revoked = created.get("token").asText();
        assertThat(api.get("/api/hosts", revoked).status()).isEqualTo(200);
        assertThat(api.delete("/api/tokens/" + created.get("id").asText(), admin).status()).isEqualTo(204);

        List<String[]> endpoints = List.of(
                new String[]{"GET", "/api/hosts"}, new String[]{"POST", "/api/hosts"},
                new String[]{"GET", "/api/hosts/h-000000000000"}, new String[]{"DELETE", "/api/hosts/h-000000000000"},
                new String[]{"GET", "/api/registries"}, new String[]{"POST", "/api/registries"},
                new String[]{"GET", "/api/tokens"}, new String[]{"POST", "/api/tokens"},
                new String[]{"DELETE", "/api/tokens/t-000000000000"}, new String[]{"GET", "/api/info"},
                new String[]{"GET", "/api/events"});
        for (String token : new String[]{null, "dke_wrong", revoked}) {
            for (String[] e : endpoints) {
                Api.Response r = api.call(e[0], e[1], token, e[0].equals("POST") ? "{}" : null);
                assertThat(r.status()).as(e[0] + " " + e[1] + " with token " + token).isEqualTo(401);
                assertThat(r.contentType()).startsWith("application/problem+json");
            }
        }
        assertThat(api.get("/api/health", null).status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void aReadTokenCannotAddHosts() {
        String read = api.post("/api/tokens", admin, "{\"name\":\"reader\",\"scope\":\"read\"}").json().get("token").asText();
        assertThat(api.get("/api/hosts", read).status()).isEqualTo(200);
        Api.Response r = api.post("/api/hosts", read, "{\"url\":" + Api.q(env.tcpUrl(hostA)) + "}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("type").asText()).startsWith("/problems/");
        assertThat(api.get("/api/hosts", admin).json()).isEmpty();
    }

    @Test
    @Order(4)
    void badInputGetsProblemJsonAndStoresNothing() {
        Map<String, Integer> cases = Map.of(
                "{\"url\": ", 400,
                "[1,2", 400,
                "{\"url\":\"tcp://127.0.0.2:2375\",\"colour\":\"blue\"}", 422,
                "{\"url\":\"ftp://127.0.0.2:21\"}", 422,
                "{\"url\":\"tcp://127.0.0.2\"}", 422,
                "{\"url\":\"tcp://127.0.0.58:2375\"}", 422,
                "{\"url\":42}", 422,
                "{}", 422);
        cases.forEach((body, status) -> {
            Api.Response r = api.post("/api/hosts", admin, body);
            assertThat(r.status()).as(body + " -> " + r).isEqualTo(status);
            assertThat(r.contentType()).startsWith("application/problem+json");
            JsonNode p = r.json();
            assertThat(p.get("type").asText()).startsWith("/problems/");
            assertThat(p.get("status").asInt()).isEqualTo(status);
            assertThat(p.get("detail").asText()).isNotBlank();
        });
        assertThat(api.get("/api/hosts", admin).json()).isEmpty();
        assertThat(api.get("/api/hosts/h-doesnotexist", admin).status()).isEqualTo(404);
    }

    @Test
    @Order(5)
    void hostsOverTcpAndUnixSocketComeUpWithTheirEngineFacts() {
        Api.Response a = api.post("/api/hosts", admin, "{\"url\":" + Api.q(env.tcpUrl(hostA)) + ",\"labels\":{\"env\":\"prod\"}}");
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        Api.Response b = api.post("/api/hosts", admin, "{\"url\":" + Api.q(env.unixUrl(hostB)) + "}");
        assertThat(b.status()).as(b.toString()).isEqualTo(201);
        assertThat(api.post("/api/hosts", admin, "{\"url\":" + Api.q(env.tcpUrl(hostA)) + "}").status()).isEqualTo(409);

        JsonNode hosts = api.get("/api/hosts", admin).json();
        assertThat(hosts).hasSize(2);
        List<String> engines = new ArrayList<>();
        for (JsonNode h : hosts) {
            assertThat(h.get("status").asText()).isEqualTo("up");
            assertThat(h.get("cpus").asDouble()).isPositive();
            assertThat(h.get("memoryBytes").asLong()).isPositive();
            assertThat(h.get("lastSeen").asText()).isNotBlank();
            engines.add(h.get("engineId").asText());
        }
        assertThat(engines).doesNotHaveDuplicates();
    }

    @Test
    @Order(6)
    void aTlsHostIsAddedFromPemTextThatIsNeverReturnedNorStoredInTheClear() throws Exception {
        String tlsUrl = env.get("hosts.tls." + env.get("tls.hosts").split(",")[0].trim());
        String ca = Files.readString(Path.of(env.get("tls.ca")));
        String cert = Files.readString(Path.of(env.get("tls.cert")));
        String key = Files.readString(Path.of(env.get("tls.key")));
        Api.Response r = api.post("/api/hosts", admin, "{\"url\":" + Api.q(tlsUrl) + ",\"tls\":{\"ca\":" + Api.q(ca)
                + ",\"cert\":" + Api.q(cert) + ",\"key\":" + Api.q(key) + "}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        JsonNode host = r.json();
        assertThat(host.get("status").asText()).isEqualTo("up");
        assertThat(host.get("tls").asBoolean()).isTrue();
        String id = host.get("id").asText();
        String listed = api.get("/api/hosts/" + id, admin).body();
        assertThat(listed).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN CERTIFICATE");
        String keyBody = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertThat(storeBytes()).doesNotContain(keyBody).doesNotContain("PRIVATE KEY");

        // wrong material is refused before anything is stored
        Api.Response bad = api.post("/api/hosts", admin, "{\"url\":\"tcp://127.0.0.9:2377\",\"tls\":{\"ca\":\"x\",\"cert\":\"y\",\"key\":\"z\"}}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(api.delete("/api/hosts/" + id, admin).status()).isEqualTo(204);
    }

    @Test
    @Order(7)
    void registryPasswordsAreEncryptedAtRestAndNeverEchoed() throws Exception {
        String password = "pw-" + Long.toHexString(System.nanoTime()) + "-secret";
        Api.Response r = api.post("/api/registries", admin, "{\"server\":\"127.0.0.1:5000\",\"username\":\"ci\",\"password\":"
                + Api.q(password) + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.body()).doesNotContain(password);
        assertThat(api.get("/api/registries", admin).body()).contains("127.0.0.1:5000").doesNotContain(password);
        assertThat(storeBytes()).doesNotContain(password);
    }

    @Test
    @Order(8)
    void aHostRunningDockereraInstancesIsOnlyRemovedWhenForced() throws Exception {
        String id = null;
        for (JsonNode h : api.get("/api/hosts", admin).json()) {
            if (h.get("url").asText().equals(env.unixUrl(hostB))) {
                id = h.get("id").asText();
            }
        }
        assertThat(id).isNotNull();
        String container = docker(env.unixUrl(hostB), "run", "-d", "--label", "org.dockerera.managed=true",
                env.get("image.v1")).trim();
        try {
            Api.Response r = api.delete("/api/hosts/" + id, admin);
            assertThat(r.status()).as(r.toString()).isEqualTo(409);
            assertThat(r.json().get("type").asText()).isEqualTo("/problems/host-busy");
            assertThat(r.json().get("detail").asText()).contains("force");
        } finally {
            docker(env.unixUrl(hostB), "rm", "-f", container);
        }
        assertThat(api.get("/api/hosts", admin).json()).hasSize(2);
    }

    @Test
    @Order(9)
    void aHungHostDoesNotSlowTheHostList() throws Exception {
        long pid = env.daemonPid(hostA);
        new ProcessBuilder("kill", "-STOP", String.valueOf(pid)).start().waitFor();
        try {
            // give the monitor time to be stuck in a heartbeat against the hung daemon
            await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(env.tcpUrl(hostA)).equals("down"));
            long t0 = System.nanoTime();
            Api.Response r = api.get("/api/hosts", admin);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(r.status()).isEqualTo(200);
            // the list never waits on a host: well under the 3 s per-call timeout
            assertThat(took).isLessThan(Duration.ofSeconds(3));
            assertThat(statusOf(env.unixUrl(hostB))).isEqualTo("up");
        } finally {
            new ProcessBuilder("kill", "-CONT", String.valueOf(pid)).start().waitFor();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(env.tcpUrl(hostA)).equals("up"));
    }

    @Test
    @Order(10)
    void theLocalOperatorScriptsTheConsoleWithoutAPassword() throws Exception {
        String out = dist.client("dockerera:host-list");
        assertThat(out).contains(env.tcpUrl(hostA)).contains(env.unixUrl(hostB));
        String users = Files.readString(dist.home().resolve("etc/users.properties"));
        assertThat(users).containsPattern("(?m)^karaf = [0-9a-f]{48},").doesNotContain("karaf = karaf");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dist.home().resolve("etc/users.properties"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dist.home().resolve("etc/dockerera.key"))))
                .isEqualTo("rw-------");
    }

    @Test
    @Order(11)
    void hostsSurviveKill9AndRestart() throws Exception {
        dist.kill9();
        dist.start();
        awaitHealthy();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode hosts = api.get("/api/hosts", admin).json();
            assertThat(hosts).hasSize(2);
            for (JsonNode h : hosts) {
                assertThat(h.get("status").asText()).as(h.toString()).isEqualTo("up");
            }
        });
        assertThat(api.get("/api/hosts", admin).json().toString()).contains("\"env\":\"prod\"");
    }

    private String storeBytes() throws Exception {
        return new String(Files.readAllBytes(dist.home().resolve("data/dockerera/store.mv")),
                java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static String docker(String host, String... args) throws Exception {
        return Docker.run(host, args);
    }

    private String statusOf(String url) {
        for (JsonNode h : api.get("/api/hosts", admin).json()) {
            if (h.get("url").asText().equals(url)) {
                return h.get("status").asText();
            }
        }
        return "absent";
    }
}
