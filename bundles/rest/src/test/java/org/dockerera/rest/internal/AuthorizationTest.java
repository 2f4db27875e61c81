package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dockerera.api.TokenScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuthorizationTest {
    static ApiServer server;

    @BeforeAll
    static void start() {
        server = new ApiServer();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Every route except the public ones, with a concrete path. */
    static List<Router.Route> protectedRoutes() {
        return server.api.routeTable().stream().filter(r -> r.access() != Access.PUBLIC).toList();
    }

    static String concrete(Router.Route r) {
        return r.template().replaceAll("\\{[^}]+}", "x1");
    }

    static Stream<Arguments> everyProtectedRouteWithBadCredentials() {
        List<Arguments> out = new ArrayList<>();
        // server is started by @BeforeAll before method sources are evaluated
        for (Router.Route r : protectedRoutes()) {
            out.add(Arguments.of(r.method(), concrete(r), null));
            out.add(Arguments.of(r.method(), concrete(r), "Bearer wrong-secret"));
            out.add(Arguments.of(r.method(), concrete(r), "Bearer " + ApiServer.REVOKED));
            out.add(Arguments.of(r.method(), concrete(r), "Basic YWRtaW46YWRtaW4="));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} with {2} -> 401")
    @MethodSource("everyProtectedRouteWithBadCredentials")
    void missingWrongOrRevokedTokenIsRejectedWith401(String method, String path, String authorization) {
        ApiServer.Call call = server.call(method, path);
        if (authorization != null) {
            call.header("Authorization", authorization);
        }
        if (method.equals("POST")) {
            call.json("{}");
        }
        ApiServer.Res res = call.send();

        assertThat(res.status).as(res.toString()).isEqualTo(401);
        assertThat(res.contentType()).startsWith("application/problem+json");
        assertThat(res.header("WWW-Authenticate")).startsWith("Bearer realm=\"dockerera\"");
        assertThat(res.problemType()).isEqualTo("/problems/unauthorized");
        assertThat(res.json().path("status").asInt()).isEqualTo(401);
    }

    @Test
    void routeTableCoversTheDocumentedEndpoints() {
        assertThat(protectedRoutes()).extracting(r -> r.method() + " " + r.template()).contains(
                "GET /api/hosts", "POST /api/hosts", "GET /api/hosts/{id}", "DELETE /api/hosts/{id}",
                "GET /api/registries", "POST /api/registries", "DELETE /api/registries/{id}",
                "GET /api/tokens", "POST /api/tokens", "DELETE /api/tokens/{id}",
                "GET /api/info", "GET /api/events", "GET /api/session", "DELETE /api/session");
    }

    @Test
    void healthNeedsNoToken() {
        ApiServer.Res res = server.get("/api/health", null);

        assertThat(res.status).isEqualTo(200);
        assertThat(res.contentType()).startsWith("application/json");
        assertThat(res.body).isEqualTo("{\"status\":\"up\"}");
    }

    @Test
    void unknownRouteWithoutTokenIs401NotA404() {
        assertThat(server.get("/api/nope", null).status).isEqualTo(401);
    }

    @Test
    void readTokenMayNotAddAHost() {
        ApiServer.Res res = server.post("/api/hosts", ApiServer.READ, "{\"url\":\"tcp://127.0.0.2:2375\"}");

        assertThat(res.status).isEqualTo(403);
        assertThat(res.problemType()).isEqualTo("/problems/forbidden");
        assertThat(res.json().path("detail").asText()).contains("read token", "admin token");
        assertThat(server.services.hosts.added).isEmpty();
    }

    @Test
    void readTokenMayReadButNotListTokensOrDelete() {
        assertThat(server.get("/api/hosts", ApiServer.READ).status).isEqualTo(200);
        assertThat(server.get("/api/info", ApiServer.READ).status).isEqualTo(200);
        assertThat(server.get("/api/registries", ApiServer.READ).status).isEqualTo(200);
        assertThat(server.get("/api/tokens", ApiServer.READ).status).isEqualTo(403);
        assertThat(server.delete("/api/hosts/h1", ApiServer.READ).status).isEqualTo(403);
        assertThat(server.post("/api/registries", ApiServer.READ, "{}").status).isEqualTo(403);
    }

    @Test
    void routerTokenIsLimitedToTheRouterFeed() {
        for (Router.Route r : protectedRoutes()) {
            if (r.access() == Access.AUTHENTICATED || r.access() == Access.ROUTER || r.access() == Access.READ_OR_ROUTER) {
                continue;
            }
            ApiServer.Call call = server.call(r.method(), concrete(r)).bearer(ApiServer.ROUTER);
            if (r.method().equals("POST")) {
                call.json("{}");
            }
            ApiServer.Res res = call.send();
            assertThat(res.status).as(r.method() + " " + r.template()).isEqualTo(403);
            assertThat(res.problemType()).isEqualTo("/problems/forbidden");
        }
    }

    @Test
    void deployTokenReadsButMayNotManageHostsOrTokens() {
        assertThat(server.get("/api/hosts", ApiServer.DEPLOY).status).isEqualTo(200);
        assertThat(server.post("/api/hosts", ApiServer.DEPLOY, "{\"url\":\"tcp://127.0.0.2:2375\"}").status)
                .isEqualTo(403);
        assertThat(server.post("/api/tokens", ApiServer.DEPLOY, "{\"name\":\"x\",\"scope\":\"admin\"}").status)
                .isEqualTo(403);
    }

    @Test
    void adminTokenMayDoEverything() {
        assertThat(server.get("/api/tokens", ApiServer.ADMIN).status).isEqualTo(200);
        assertThat(server.post("/api/hosts", ApiServer.ADMIN, "{\"url\":\"tcp://127.0.0.9:2375\"}").status)
                .isEqualTo(201);
    }

    @Test
    void bearerSchemeIsCaseInsensitive() {
        ApiServer.Res res = server.call("GET", "/api/info").header("Authorization", "bearer " + ApiServer.ADMIN).send();
        assertThat(res.status).isEqualTo(200);
    }

    @Test
    void accessMatrix() {
        assertThat(Access.READ.permits(TokenScope.READ)).isTrue();
        assertThat(Access.READ.permits(TokenScope.DEPLOY)).isTrue();
        assertThat(Access.READ.permits(TokenScope.ROUTER)).isFalse();
        assertThat(Access.DEPLOY.permits(TokenScope.DEPLOY)).isTrue();
        assertThat(Access.DEPLOY.permits(TokenScope.READ)).isFalse();
        assertThat(Access.ROUTER.permits(TokenScope.ROUTER)).isTrue();
        assertThat(Access.ROUTER.permits(TokenScope.DEPLOY)).isFalse();
        assertThat(Access.ADMIN.permits(TokenScope.DEPLOY)).isFalse();
        for (Access a : Access.values()) {
            assertThat(a.permits(TokenScope.ADMIN)).as(a.name()).isTrue();
        }
    }

    @Test
    void missingTokenServiceIs503NotA401() {
        Fakes.FakeTokenService tokens = server.services.tokens;
        server.services.tokens = null;
        try {
            ApiServer.Res res = server.get("/api/hosts", ApiServer.ADMIN);
            assertThat(res.status).isEqualTo(503);
            assertThat(res.problemType()).isEqualTo("/problems/service-unavailable");
            assertThat(server.get("/api/health", null).status).isEqualTo(200);
        } finally {
            server.services.tokens = tokens;
        }
    }
}
