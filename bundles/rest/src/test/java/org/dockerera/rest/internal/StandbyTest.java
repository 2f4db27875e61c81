package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.dockerera.api.Leadership;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A standby controller answers reads, and refuses changes with 503 {@code /problems/standby} naming the active. */
class StandbyTest {
    static ApiServer server;
    private static final Leadership STANDBY = new Leadership(Leadership.STANDBY, "c-b", "http://b:8181", "c-a",
            "http://a:8181", 3, Instant.parse("2026-12-04T10:00:00Z"), 10_000);

    @BeforeAll
    static void start() {
        server = new ApiServer();
        server.services.leadership = () -> STANDBY;
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @AfterEach
    void standbyAgain() {
        server.services.leadership = () -> STANDBY;
    }

    @Test
    void readsWorkOnAStandby() {
        assertThat(server.get("/api/hosts", ApiServer.READ).status).isEqualTo(200);
        ApiServer.Res controller = server.get("/api/controller", ApiServer.READ);
        assertThat(controller.status).isEqualTo(200);
        assertThat(controller.json().path("role").asText()).isEqualTo("standby");
        assertThat(controller.json().path("activeUrl").asText()).isEqualTo("http://a:8181");
    }

    @Test
    void changesAre503StandbyNamingTheActiveControllerAndReachNoService() {
        int before = server.services.hosts.added.size();
        ApiServer.Res res = server.post("/api/hosts", ApiServer.ADMIN, "{\"url\": \"tcp://127.0.0.5:2375\"}");

        assertThat(res.status).isEqualTo(503);
        assertThat(res.contentType()).startsWith("application/problem+json");
        assertThat(res.problemType()).isEqualTo("/problems/standby");
        assertThat(res.json().path("detail").asText())
                .contains("standby").contains("c-a at http://a:8181").contains("send changes there");
        assertThat(server.services.hosts.added).hasSize(before);

        assertThat(server.delete("/api/tokens/t-1", ApiServer.ADMIN).problemType()).isEqualTo("/problems/standby");
        assertThat(server.post("/api/apps", ApiServer.DEPLOY, "{\"name\": \"x\"}").problemType())
                .isEqualTo("/problems/standby");
    }

    @Test
    void theRoutersFleetProtocolStillWorksOnAStandby() {
        ApiServer.Res res = server.post("/api/routers", ApiServer.ROUTER,
                "{\"type\": \"builtin\", \"url\": \"http://127.0.0.1:8080\"}");
        assertThat(res.problemType()).isNotEqualTo("/problems/standby");
        assertThat(res.status).isLessThan(500);
    }

    @Test
    void anActiveControllerTakesChanges() {
        server.services.leadership = () -> new Leadership(Leadership.ACTIVE, "c-a", "http://a:8181", "c-a",
                "http://a:8181", 3, Instant.now(), 10_000);
        ApiServer.Res res = server.post("/api/hosts", ApiServer.ADMIN, "{\"url\": \"tcp://127.0.0.6:2375\"}");
        assertThat(res.status).isEqualTo(201);
    }
}
