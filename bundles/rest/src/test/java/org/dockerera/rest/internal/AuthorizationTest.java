package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    static final String ALL = "admin deploy read router";
    static final String READERS = "admin deploy read";
    static final String DEPLOYERS = "admin deploy";
    static final String ADMINS = "admin";

    /**
     * Which scopes may call each protected route, written out here independently of {@link Access} so that a route
     * registered with the wrong access (or a new route nobody decided about) fails a test.
     */
    static final Map<String, String> WHO_MAY = Map.ofEntries(
            Map.entry("GET /api/session", ALL),
            Map.entry("DELETE /api/session", ALL),
            Map.entry("GET /api/hosts", READERS),
            Map.entry("POST /api/hosts", ADMINS),
            Map.entry("GET /api/hosts/{id}", READERS),
            Map.entry("DELETE /api/hosts/{id}", ADMINS),
            Map.entry("POST /api/hosts/{id}/cordon", ADMINS),
            Map.entry("POST /api/hosts/{id}/uncordon", ADMINS),
            Map.entry("POST /api/hosts/{id}/drain", ADMINS),
            Map.entry("GET /api/registries", READERS),
            Map.entry("POST /api/registries", ADMINS),
            Map.entry("GET /api/registries/{id}", READERS),
            Map.entry("DELETE /api/registries/{id}", ADMINS),
            Map.entry("GET /api/tokens", ADMINS),
            Map.entry("POST /api/tokens", ADMINS),
            Map.entry("DELETE /api/tokens/{id}", ADMINS),
            Map.entry("GET /api/info", READERS),
            Map.entry("GET /api/store", READERS),
            Map.entry("POST /api/store/migrate", ADMINS),
            Map.entry("GET /api/controller", READERS),
            Map.entry("GET /api/events", READERS),
            Map.entry("GET /api/camel/routes", READERS),
            Map.entry("GET /api/plugins", READERS),
            Map.entry("GET /api/apps", READERS),
            Map.entry("POST /api/apps", DEPLOYERS),
            Map.entry("GET /api/apps/{app}", READERS),
            Map.entry("PATCH /api/apps/{app}", DEPLOYERS),
            Map.entry("DELETE /api/apps/{app}", DEPLOYERS),
            Map.entry("GET /api/apps/{app}/env", READERS),
            Map.entry("PATCH /api/apps/{app}/env", DEPLOYERS),
            Map.entry("PUT /api/apps/{app}/env/{key}", DEPLOYERS),
            Map.entry("DELETE /api/apps/{app}/env/{key}", DEPLOYERS),
            Map.entry("POST /api/apps/{app}/deploys", DEPLOYERS),
            Map.entry("GET /api/apps/{app}/deploys", READERS),
            Map.entry("GET /api/deploys/{id}", READERS),
            Map.entry("GET /api/deploys/{id}/events", READERS),
            Map.entry("GET /api/apps/{app}/releases", READERS),
            Map.entry("GET /api/apps/{app}/releases/{version}", READERS),
            Map.entry("POST /api/apps/{app}/rollback", DEPLOYERS),
            Map.entry("PUT /api/apps/{app}/scale", DEPLOYERS),
            Map.entry("POST /api/apps/{app}/restart", DEPLOYERS),
            Map.entry("GET /api/apps/{app}/instances", READERS),
            Map.entry("GET /api/apps/{app}/logs", READERS),
            Map.entry("POST /api/apps/{app}/runs", DEPLOYERS),
            Map.entry("GET /api/apps/{app}/runs/{id}", READERS),
            Map.entry("GET /api/apps/{app}/runs/{id}/output", READERS),
            Map.entry("DELETE /api/apps/{app}/runs/{id}", DEPLOYERS),
            Map.entry("GET /api/apps/{app}/domains", READERS),
            Map.entry("POST /api/apps/{app}/domains", DEPLOYERS),
            Map.entry("DELETE /api/apps/{app}/domains/{domain}", DEPLOYERS),
            Map.entry("GET /api/apps/{app}/certs", READERS),
            Map.entry("PUT /api/apps/{app}/domains/{domain}/cert", DEPLOYERS),
            Map.entry("DELETE /api/apps/{app}/domains/{domain}/cert", DEPLOYERS),
            Map.entry("GET /api/apps/{app}/https", READERS),
            Map.entry("PUT /api/apps/{app}/https", DEPLOYERS),
            Map.entry("GET /api/certs/{host}", "admin router"),
            Map.entry("GET /api/routes", ALL),
            Map.entry("GET /api/routes/stream", ALL),
            Map.entry("GET /api/routers", READERS),
            Map.entry("POST /api/routers", "admin router"),
            Map.entry("GET /api/routers/{id}", READERS),
            Map.entry("POST /api/routers/{id}/ack", "admin router"),
            Map.entry("GET /api/routers/{id}/stats", READERS),
            Map.entry("DELETE /api/routers/{id}", "admin router"));

    /** Streams that a permitted GET would open: they are probed with HEAD, which answers without streaming. */
    static final Set<String> STREAMS = Set.of("GET /api/events", "GET /api/routes/stream",
            "GET /api/apps/{app}/runs/{id}/output");

    static final Map<String, String> SECRETS = Map.of("admin", ApiServer.ADMIN, "deploy", ApiServer.DEPLOY,
            "read", ApiServer.READ, "router", ApiServer.ROUTER);

    @Test
    void everyProtectedRouteHasItsScopesWrittenDown() {
        assertThat(protectedRoutes()).extracting(r -> r.method() + " " + r.template())
                .containsExactlyInAnyOrderElementsOf(WHO_MAY.keySet());
    }

    static Stream<Arguments> everyProtectedRouteWithEveryScope() {
        List<Arguments> out = new ArrayList<>();
        for (Router.Route r : protectedRoutes()) {
            String route = r.method() + " " + r.template();
            for (String scope : List.of("admin", "deploy", "read", "router")) {
                out.add(Arguments.of(route, scope, List.of(WHO_MAY.getOrDefault(route, "").split(" "))
                        .contains(scope)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} with a {1} token: allowed={2}")
    @MethodSource("everyProtectedRouteWithEveryScope")
    void eachScopeMayCallExactlyItsRoutes(String route, String scope, boolean allowed) {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "x1");
        if (allowed && STREAMS.contains(route)) {
            method = "HEAD";
        }
        ApiServer.Call call = server.call(method, path).bearer(SECRETS.get(scope));
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("DELETE")) {
            call.json("{}");
        }

        ApiServer.Res res = call.send();

        if (allowed) {
            assertThat(res.status).as(res.toString()).isNotIn(401, 403, 500);
        } else {
            assertThat(res.status).as(res.toString()).isEqualTo(403);
            assertThat(res.problemType()).isEqualTo("/problems/forbidden");
            assertThat(res.json().path("detail").asText()).contains("a " + scope + " token may not");
        }
    }

    @Test
    void aReadTokenMayFollowDeploysButNotStartThem() {
        FakeApps apps = server.services.apps;
        int before = apps.calls.size();
        for (String path : List.of("/api/apps/x1/deploys", "/api/apps/x1/rollback", "/api/apps/x1/restart")) {
            assertThat(server.post(path, ApiServer.READ, "{\"image\":\"a/b:1\"}").status).as(path).isEqualTo(403);
        }
        assertThat(server.call("PUT", "/api/apps/x1/scale").bearer(ApiServer.READ).json("{\"instances\":1}").send()
                .status).isEqualTo(403);
        assertThat(server.call("PATCH", "/api/apps/x1/env").bearer(ApiServer.READ).json("{\"A\":\"b\"}").send()
                .status).isEqualTo(403);
        assertThat(apps.calls).hasSize(before);
        assertThat(server.get("/api/apps", ApiServer.READ).status).isEqualTo(200);
    }

    @Test
    void aDeployTokenMayNotCordonUncordonOrDrainHosts() {
        for (String verb : List.of("cordon", "uncordon", "drain")) {
            ApiServer.Res res = server.post("/api/hosts/h1/" + verb, ApiServer.DEPLOY, null);
            assertThat(res.status).as(verb).isEqualTo(403);
            assertThat(res.json().path("detail").asText()).contains("admin token");
        }
        assertThat(server.services.hosts.maintenance).isEmpty();
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
