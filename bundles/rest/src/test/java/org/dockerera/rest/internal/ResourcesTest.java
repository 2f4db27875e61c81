package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.dockerera.api.Capacity;
import org.dockerera.api.DockereraException;
import org.dockerera.api.HostSpec;
import org.dockerera.api.RegistrySpec;
import org.dockerera.api.TlsMaterial;
import org.dockerera.api.TokenScope;
import org.dockerera.spi.provider.ProviderException;
import org.dockerera.spi.store.StoreUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hosts, registries, tokens and info through HTTP against recording fakes. */
class ResourcesTest {
    ApiServer server;

    @BeforeEach
    void start() {
        server = new ApiServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void listsHostsAsABareArrayWithLowerCaseStatusAndIsoTimes() {
        server.services.hosts.hosts.put("h1", Fakes.host("h1", "tcp://127.0.0.2:2375"));

        ApiServer.Res res = server.get("/api/hosts", ApiServer.READ);

        assertThat(res.status).isEqualTo(200);
        JsonNode body = res.json();
        assertThat(body.isArray()).isTrue();
        assertThat(body.get(0).path("id").asText()).isEqualTo("h1");
        assertThat(body.get(0).path("status").asText()).isEqualTo("up");
        assertThat(body.get(0).path("lastSeen").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(body.get(0).has("error")).as("nulls are omitted").isFalse();
        assertThat(body.get(0).has("capacity")).isFalse();
    }

    @Test
    void getsOneHostAndMapsHostNotFound() {
        server.services.hosts.hosts.put("h1", Fakes.host("h1", "tcp://127.0.0.2:2375"));

        assertThat(server.get("/api/hosts/h1", ApiServer.READ).json().path("url").asText())
                .isEqualTo("tcp://127.0.0.2:2375");
        ApiServer.Res missing = server.get("/api/hosts/nope", ApiServer.READ);
        assertThat(missing.status).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.problemType()).isEqualTo("/problems/host-not-found");
        assertThat(missing.json().path("title").asText()).isEqualTo("Not found");
        assertThat(missing.json().path("detail").asText()).contains("nope");
    }

    @Test
    void addsAHostWith201LocationAndTheFullSpec() {
        ApiServer.Res res = server.post("/api/hosts", ApiServer.ADMIN, """
                {"url": "tcp://127.0.0.2:2376", "labels": {"env": "prod"},
                 "tls": {"ca": "CA-PEM", "cert": "CERT-PEM", "key": "KEY-PEM"},
                 "capacity": {"cpus": 1.5, "memoryBytes": 1073741824}, "force": true}
                """);

        assertThat(res.status).as(res.toString()).isEqualTo(201);
        assertThat(res.header("Location")).isEqualTo("/api/hosts/h1");
        assertThat(res.json().path("id").asText()).isEqualTo("h1");
        assertThat(server.services.hosts.added).containsExactly(new HostSpec("tcp://127.0.0.2:2376",
                java.util.Map.of("env", "prod"), new TlsMaterial("CA-PEM", "CERT-PEM", "KEY-PEM"),
                new Capacity(1.5, 1073741824L), true));
    }

    @Test
    void minimalHostBodyDefaultsForceToFalse() {
        assertThat(server.post("/api/hosts", ApiServer.ADMIN, "{\"url\":\"unix:///run/docker.sock\"}").status)
                .isEqualTo(201);
        assertThat(server.services.hosts.added).containsExactly(HostSpec.of("unix:///run/docker.sock"));
    }

    @Test
    void invalidCapacityIsA422WithTheModelsSlug() {
        ApiServer.Res res = server.post("/api/hosts", ApiServer.ADMIN,
                "{\"url\":\"tcp://127.0.0.2:2375\",\"capacity\":{\"cpus\":-1}}");

        assertThat(res.status).isEqualTo(422);
        assertThat(res.problemType()).isEqualTo("/problems/invalid-capacity");
        assertThat(server.services.hosts.added).isEmpty();
    }

    @Test
    void deletesAHostWithForce() {
        assertThat(server.delete("/api/hosts/h1?force=true", ApiServer.ADMIN).status).isEqualTo(204);
        assertThat(server.delete("/api/hosts/h2", ApiServer.ADMIN).status).isEqualTo(204);
        assertThat(server.services.hosts.removed).containsExactly("h1 force=true", "h2 force=false");
    }

    @Test
    void aBadForceParameterIs400() {
        ApiServer.Res res = server.delete("/api/hosts/h1?force=maybe", ApiServer.ADMIN);

        assertThat(res.status).isEqualTo(400);
        assertThat(res.problemType()).isEqualTo("/problems/invalid-parameter");
        assertThat(server.services.hosts.removed).isEmpty();
    }

    @Test
    void percentEncodedIdsAreDecoded() {
        server.delete("/api/hosts/my%20host", ApiServer.ADMIN);
        assertThat(server.services.hosts.removed).containsExactly("my host force=false");
    }

    @Test
    void serviceExceptionsMapByKindAndSlug() {
        server.services.hosts.failure = DockereraException.conflict("host-busy", "2 instances run on host h1");
        ApiServer.Res busy = server.delete("/api/hosts/h1", ApiServer.ADMIN);
        assertThat(busy.status).isEqualTo(409);
        assertThat(busy.json().path("type").asText()).isEqualTo("/problems/host-busy");
        assertThat(busy.json().path("title").asText()).isEqualTo("Conflict");
        assertThat(busy.json().path("status").asInt()).isEqualTo(409);
        assertThat(busy.json().path("detail").asText()).isEqualTo("2 instances run on host h1");

        server.services.hosts.failure = ProviderException.unreachable("tcp://127.0.0.2:2375", "connection refused",
                new java.net.ConnectException("refused"));
        ApiServer.Res down = server.get("/api/hosts", ApiServer.ADMIN);
        assertThat(down.status).isEqualTo(503);
        assertThat(down.problemType()).isEqualTo("/problems/host-unreachable");

        server.services.hosts.failure = new StoreUnavailableException("redis", "connection refused", null);
        ApiServer.Res store = server.get("/api/hosts", ApiServer.ADMIN);
        assertThat(store.status).isEqualTo(503);
        assertThat(store.problemType()).isEqualTo("/problems/store-unavailable");
    }

    @Test
    void unexpectedExceptionsAre500WithoutInternals() {
        server.services.hosts.failure = new IllegalStateException("secret internal state xyz");

        ApiServer.Res res = server.get("/api/hosts", ApiServer.ADMIN);

        assertThat(res.status).isEqualTo(500);
        assertThat(res.contentType()).startsWith("application/problem+json");
        assertThat(res.problemType()).isEqualTo("/problems/internal");
        assertThat(res.json().path("detail").asText()).contains("reference").doesNotContain("xyz");
        assertThat(res.body).doesNotContain("IllegalStateException").doesNotContain("at org.");
    }

    @Test
    void registriesNeverEchoThePassword() {
        ApiServer.Res res = server.post("/api/registries", ApiServer.ADMIN,
                "{\"server\":\"127.0.0.1:5000\",\"username\":\"ci\",\"password\":\"hunter2\"}");

        assertThat(res.status).isEqualTo(201);
        assertThat(res.header("Location")).isEqualTo("/api/registries/r1");
        assertThat(res.body).doesNotContain("hunter2").doesNotContain("password");
        assertThat(server.services.registries.added).containsExactly(new RegistrySpec("127.0.0.1:5000", "ci", "hunter2"));

        ApiServer.Res list = server.get("/api/registries", ApiServer.READ);
        assertThat(list.json().get(0).path("server").asText()).isEqualTo("127.0.0.1:5000");
        assertThat(list.body).doesNotContain("hunter2");
        assertThat(server.get("/api/registries/r1", ApiServer.READ).json().path("username").asText()).isEqualTo("ci");
        assertThat(server.get("/api/registries/127.0.0.1:5000", ApiServer.READ).status).isEqualTo(200);
        assertThat(server.get("/api/registries/r9", ApiServer.READ).problemType())
                .isEqualTo("/problems/registry-not-found");

        assertThat(server.delete("/api/registries/r1", ApiServer.ADMIN).status).isEqualTo(204);
        assertThat(server.services.registries.removed).containsExactly("r1");
        assertThat(server.delete("/api/registries/r1", ApiServer.ADMIN).status).isEqualTo(404);
    }

    @Test
    void tokensAreCreatedListedAndRevoked() {
        ApiServer.Res created = server.post("/api/tokens", ApiServer.ADMIN, "{\"name\":\"ci\",\"scope\":\"deploy\"}");

        assertThat(created.status).isEqualTo(201);
        JsonNode t = created.json();
        assertThat(t.path("name").asText()).isEqualTo("ci");
        assertThat(t.path("scope").asText()).isEqualTo("deploy");
        assertThat(t.path("token").asText()).isEqualTo("secret-ci");
        assertThat(created.header("Location")).isEqualTo("/api/tokens/" + t.path("id").asText());

        ApiServer.Res list = server.get("/api/tokens", ApiServer.ADMIN);
        assertThat(list.json().findValuesAsText("name")).contains("ci", "admin-token");
        assertThat(list.body).doesNotContain("secret-ci");
        JsonNode ci = list.json().findParents("name").stream().filter(n -> n.path("name").asText().equals("ci"))
                .findFirst().orElseThrow();
        assertThat(ci.path("scope").asText()).isEqualTo("deploy");
        assertThat(ci.path("created").asText()).isEqualTo("2026-01-02T03:04:05Z");

        assertThat(server.get("/api/hosts", "secret-ci").status).isEqualTo(200);
        assertThat(server.delete("/api/tokens/" + t.path("id").asText(), ApiServer.ADMIN).status).isEqualTo(204);
        assertThat(server.get("/api/hosts", "secret-ci").status).isEqualTo(401);
        assertThat(server.delete("/api/tokens/nope", ApiServer.ADMIN).problemType())
                .isEqualTo("/problems/token-not-found");
    }

    @Test
    void anUnknownScopeIsA422() {
        ApiServer.Res res = server.post("/api/tokens", ApiServer.ADMIN, "{\"name\":\"x\",\"scope\":\"root\"}");

        assertThat(res.status).isEqualTo(422);
        assertThat(res.problemType()).isEqualTo("/problems/invalid-scope");
        assertThat(res.json().path("detail").asText()).contains("admin, deploy, read, router");
    }

    @Test
    void infoComesFromTheInfoService() {
        JsonNode info = server.get("/api/info", ApiServer.READ).json();

        assertThat(info.path("version").asText()).isEqualTo("0.1.0");
        assertThat(info.path("store").path("backend").asText()).isEqualTo("embedded");
        assertThat(info.path("store").path("revision").asLong()).isEqualTo(42);
        assertThat(info.path("counts").path("hosts").asInt()).isEqualTo(1);
    }

    @Test
    void pluginsListEveryPointWithItsImplementationsAsJson() {
        server.services.plugins = () -> java.util.List.of(
                new org.dockerera.api.PluginPoint("store", java.util.List.of(new org.dockerera.api.PluginImplementation(
                        "embedded", "dockerera-store-embedded", "0.1.0.SNAPSHOT", true, "up", "/data/store.mv"))),
                new org.dockerera.api.PluginPoint("strategy", java.util.List.of(new org.dockerera.api.PluginImplementation(
                        "broken", "broken.plugin", "1.0.0", false, "failed: bundle 9 does not resolve", null))));

        JsonNode plugins = server.get("/api/plugins", ApiServer.READ).json();

        assertThat(plugins).hasSize(2);
        assertThat(plugins.get(0).path("point").asText()).isEqualTo("store");
        JsonNode embedded = plugins.get(0).path("implementations").get(0);
        assertThat(embedded.path("name").asText()).isEqualTo("embedded");
        assertThat(embedded.path("bundle").asText()).isEqualTo("dockerera-store-embedded");
        assertThat(embedded.path("version").asText()).isEqualTo("0.1.0.SNAPSHOT");
        assertThat(embedded.path("active").asBoolean()).isTrue();
        assertThat(embedded.path("health").asText()).isEqualTo("up");
        assertThat(plugins.get(1).path("implementations").get(0).path("health").asText()).startsWith("failed: ");
    }

    @Test
    void aMissingServiceIs503() {
        server.services.info = null;

        ApiServer.Res res = server.get("/api/info", ApiServer.READ);

        assertThat(res.status).isEqualTo(503);
        assertThat(res.problemType()).isEqualTo("/problems/service-unavailable");
        assertThat(res.json().path("detail").asText()).contains("info service");
    }

    @Test
    void responsesAreNotCached() {
        assertThat(server.get("/api/tokens", ApiServer.ADMIN).header("Cache-Control")).isEqualTo("no-store");
        assertThat(server.get("/api/nope", ApiServer.ADMIN).header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void scopesAreWrittenLowerCase() {
        assertThat(server.get("/api/tokens", ApiServer.ADMIN).json().findValuesAsText("scope"))
                .contains(TokenScope.ADMIN.toString(), "read", "router");
    }
}
