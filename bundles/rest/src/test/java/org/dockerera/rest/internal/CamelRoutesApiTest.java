package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.dockerera.api.events.CamelRouteInfo;
import org.dockerera.api.events.CamelRoutes;
import org.dockerera.api.events.RouteFileStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/camel/routes}: the Camel routes with their sources, and the route files with why one failed. */
class CamelRoutesApiTest {
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
    void listsRoutesWithSourceAndStateAndFailedFilesWithLineAndReason() {
        server.services.camelRoutes = new CamelRoutes() {
            @Override
            public List<CamelRouteInfo> routes() {
                return List.of(new CamelRouteInfo("dockerera-dead-letter", "bundle dockerera-events", "Started",
                        "direct://dockerera-dead-letter"),
                        new CamelRouteInfo("deploy-webhook", "file deploy-webhook.yaml", "Started",
                                "seda://dockerera-events?multipleConsumers=true"));
            }

            @Override
            public List<RouteFileStatus> files() {
                return List.of(new RouteFileStatus("bad.yaml", RouteFileStatus.FAILED, List.of(), 8, 4,
                                "YAML: expected <block end>", Instant.parse("2026-01-02T03:04:05Z")),
                        new RouteFileStatus("deploy-webhook.yaml", RouteFileStatus.LOADED, List.of("deploy-webhook"),
                                null, null, null, Instant.parse("2026-01-02T03:04:05Z")));
            }

            @Override
            public String directory() {
                return "/opt/dockerera/etc/dockerera/routes";
            }
        };

        ApiServer.Res res = server.get("/api/camel/routes", ApiServer.READ);

        assertThat(res.status).as(res.toString()).isEqualTo(200);
        JsonNode body = res.json();
        assertThat(body.path("directory").asText()).isEqualTo("/opt/dockerera/etc/dockerera/routes");
        assertThat(body.path("routes").get(1).path("id").asText()).isEqualTo("deploy-webhook");
        assertThat(body.path("routes").get(1).path("source").asText()).isEqualTo("file deploy-webhook.yaml");
        assertThat(body.path("routes").get(1).path("state").asText()).isEqualTo("Started");
        JsonNode bad = body.path("files").get(0);
        assertThat(bad.path("file").asText()).isEqualTo("bad.yaml");
        assertThat(bad.path("state").asText()).isEqualTo("failed");
        assertThat(bad.path("line").asInt()).isEqualTo(8);
        assertThat(bad.path("column").asInt()).isEqualTo(4);
        assertThat(bad.path("reason").asText()).isEqualTo("YAML: expected <block end>");
        assertThat(bad.path("time").asText()).isEqualTo("2026-01-02T03:04:05Z");
        JsonNode good = body.path("files").get(1);
        assertThat(good.has("line")).as("absent fields are left out: %s", good).isFalse();
        assertThat(good.has("failed")).isFalse();
    }

    @Test
    void withoutTheEventsBundleItAnswers503() {
        ApiServer.Res res = server.get("/api/camel/routes", ApiServer.READ);

        assertThat(res.status).isEqualTo(503);
        assertThat(res.problemType()).endsWith("service-unavailable");
    }
}
