package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Base64;
import org.dockerera.api.TokenScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Browser sessions: cookie attributes, CSRF on mutations, logout, idle expiry, revocation. */
class SessionTest {
    ApiServer server;

    @BeforeEach
    void start() {
        server = new ApiServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    record Login(String cookie, String csrf, ApiServer.Res res) {
    }

    Login login(String token) {
        ApiServer.Res res = server.post("/api/session", null, "{\"token\":\"" + token + "\"}");
        assertThat(res.status).as(res.toString()).isEqualTo(200);
        String setCookie = res.header("Set-Cookie");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        return new Login(cookie, res.json().path("csrfToken").asText(), res);
    }

    @Test
    void loginSetsAStrictHttpOnlyCookieAndReturnsACsrfToken() {
        Login l = login(ApiServer.ADMIN);

        String setCookie = l.res().header("Set-Cookie");
        assertThat(setCookie).startsWith(Sessions.COOKIE + "=").contains("; HttpOnly").contains("; SameSite=Strict")
                .contains("; Path=/").doesNotContain("Secure").doesNotContain("Max-Age").doesNotContain("Expires");
        String id = l.cookie().substring(Sessions.COOKIE.length() + 1);
        assertThat(Base64.getUrlDecoder().decode(id)).hasSizeGreaterThanOrEqualTo(16);
        assertThat(l.csrf()).hasSizeGreaterThanOrEqualTo(22).isNotEqualTo(id);
        assertThat(l.res().json().path("scope").asText()).isEqualTo("admin");
        assertThat(l.res().body).doesNotContain(ApiServer.ADMIN);
    }

    @Test
    void everyLoginGetsADifferentSession() {
        assertThat(login(ApiServer.ADMIN).cookie()).isNotEqualTo(login(ApiServer.ADMIN).cookie());
    }

    @Test
    void theCookieAuthenticatesReads() {
        Login l = login(ApiServer.READ);

        assertThat(server.call("GET", "/api/hosts").header("Cookie", l.cookie()).send().status).isEqualTo(200);
        ApiServer.Res session = server.call("GET", "/api/session").header("Cookie", l.cookie()).send();
        assertThat(session.json().path("csrfToken").asText()).as("a reloaded page gets its CSRF token back")
                .isEqualTo(l.csrf());
    }

    @Test
    void cookieMutationsNeedTheCsrfHeader() {
        Login l = login(ApiServer.ADMIN);
        String body = "{\"url\":\"tcp://127.0.0.2:2375\"}";

        ApiServer.Res none = server.call("POST", "/api/hosts").header("Cookie", l.cookie()).json(body).send();
        assertThat(none.status).isEqualTo(403);
        assertThat(none.problemType()).isEqualTo("/problems/csrf-failed");

        ApiServer.Res wrong = server.call("POST", "/api/hosts").header("Cookie", l.cookie())
                .header("X-CSRF-Token", l.csrf() + "x").json(body).send();
        assertThat(wrong.status).isEqualTo(403);

        ApiServer.Res delete = server.call("DELETE", "/api/hosts/h1").header("Cookie", l.cookie()).send();
        assertThat(delete.status).isEqualTo(403);
        assertThat(server.services.hosts.added).isEmpty();
        assertThat(server.services.hosts.removed).isEmpty();

        ApiServer.Res ok = server.call("POST", "/api/hosts").header("Cookie", l.cookie())
                .header("X-CSRF-Token", l.csrf()).json(body).send();
        assertThat(ok.status).isEqualTo(201);
    }

    @Test
    void bearerRequestsNeedNoCsrfEvenWithACookie() {
        Login l = login(ApiServer.READ);

        ApiServer.Res res = server.call("POST", "/api/hosts").bearer(ApiServer.ADMIN).header("Cookie", l.cookie())
                .json("{\"url\":\"tcp://127.0.0.2:2375\"}").send();

        assertThat(res.status).as("the bearer token wins over the cookie").isEqualTo(201);
    }

    @Test
    void theSessionCarriesTheTokensScope() {
        Login l = login(ApiServer.READ);

        ApiServer.Res res = server.call("POST", "/api/hosts").header("Cookie", l.cookie())
                .header("X-CSRF-Token", l.csrf()).json("{\"url\":\"tcp://127.0.0.2:2375\"}").send();

        assertThat(res.status).isEqualTo(403);
        assertThat(res.problemType()).isEqualTo("/problems/forbidden");
    }

    @Test
    void logoutEndsTheSessionAndClearsTheCookie() {
        Login l = login(ApiServer.ADMIN);

        ApiServer.Res noCsrf = server.call("DELETE", "/api/session").header("Cookie", l.cookie()).send();
        assertThat(noCsrf.status).isEqualTo(403);

        ApiServer.Res out = server.call("DELETE", "/api/session").header("Cookie", l.cookie())
                .header("X-CSRF-Token", l.csrf()).send();
        assertThat(out.status).isEqualTo(204);
        assertThat(out.header("Set-Cookie")).startsWith(Sessions.COOKIE + "=;").contains("Max-Age=0");

        ApiServer.Res after = server.call("GET", "/api/hosts").header("Cookie", l.cookie()).send();
        assertThat(after.status).isEqualTo(401);
        assertThat(after.header("Set-Cookie")).as("a dead cookie is cleared").contains("Max-Age=0");
        assertThat(server.api.openSessions()).isZero();
    }

    @Test
    void anIdleSessionExpires() {
        Login l = login(ApiServer.ADMIN);

        server.clock.advance(Duration.ofHours(11));
        assertThat(server.call("GET", "/api/info").header("Cookie", l.cookie()).send().status).isEqualTo(200);
        server.clock.advance(Duration.ofHours(11));
        assertThat(server.call("GET", "/api/info").header("Cookie", l.cookie()).send().status)
                .as("use resets the idle timer").isEqualTo(200);
        server.clock.advance(Duration.ofHours(12).plusSeconds(1));
        assertThat(server.call("GET", "/api/info").header("Cookie", l.cookie()).send().status).isEqualTo(401);
    }

    @Test
    void aWrongTokenOpensNoSession() {
        ApiServer.Res res = server.post("/api/session", null, "{\"token\":\"nope\"}");

        assertThat(res.status).isEqualTo(401);
        assertThat(res.problemType()).isEqualTo("/problems/unauthorized");
        assertThat(res.header("Set-Cookie")).isNull();
        assertThat(server.post("/api/session", null, "{}").status).isEqualTo(422);
        assertThat(server.post("/api/session", null, "").status).isEqualTo(400);
    }

    @Test
    void revokingATokenThroughTheApiEndsItsSessions() {
        var t = server.services.tokens.issue("browser-secret", TokenScope.ADMIN);
        Login l = login("browser-secret");

        assertThat(server.delete("/api/tokens/" + t.id(), ApiServer.ADMIN).status).isEqualTo(204);

        assertThat(server.call("GET", "/api/info").header("Cookie", l.cookie()).send().status).isEqualTo(401);
    }

    @Test
    void aTokenRevokedElsewhereEndsItsSessionsAtTheNextRecheck() {
        var t = server.services.tokens.issue("browser-secret", TokenScope.ADMIN);
        Login l = login("browser-secret");
        server.services.tokens.revoke(t.id());

        assertThat(server.call("GET", "/api/info").header("Cookie", l.cookie()).send().status)
                .as("within the re-check interval").isEqualTo(200);
        server.clock.advance(Duration.ofSeconds(61));
        ApiServer.Res res = server.call("GET", "/api/info").header("Cookie", l.cookie()).send();
        assertThat(res.status).isEqualTo(401);
        assertThat(res.json().path("detail").asText()).contains("revoked");
    }

    @Test
    void aForgedCookieIs401() {
        ApiServer.Res res = server.call("GET", "/api/hosts").header("Cookie", Sessions.COOKIE + "=forged").send();
        assertThat(res.status).isEqualTo(401);
    }

    @Test
    void sessionInfoWithABearerTokenHasNoCsrfToken() {
        ApiServer.Res res = server.get("/api/session", ApiServer.DEPLOY);
        assertThat(res.status).isEqualTo(200);
        assertThat(res.json().has("csrfToken")).isFalse();
        assertThat(res.json().path("scope").asText()).isEqualTo("deploy");
    }
}
