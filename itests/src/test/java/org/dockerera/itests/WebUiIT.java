package org.dockerera.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI in headless Chromium (chromedriver), against the distribution and real Docker hosts: log in with a
 * token, see hosts and apps, deploy from the app page and watch the release become active and its log lines
 * arrive live; a wrong token is refused; a change without the CSRF header is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiIT {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration LIVE = Duration.ofSeconds(60);

    private final TestEnv env = TestEnv.load();
    private final String app = "ui" + Long.toHexString(System.currentTimeMillis() % 0xfffffffL) + ".test";
    private final List<String> hostUrls = new ArrayList<>();
    private Distribution dist;
    private Api api;
    private String admin;
    private Browser browser;
    private Path work;

    @BeforeAll
    void boot(@TempDir Path work) throws Exception {
        this.work = work;
        dist = Distribution.create(work);
        dist.start();
        api = new Api(dist.baseUrl());
        dist.awaitApi(BOOT);
        admin = dist.adminToken();
        for (int n : env.hostIndexes().subList(0, 2)) {
            hostUrls.add(env.tcpUrl(n));
            assertThat(api.post("/api/hosts", admin, "{\"url\":" + Api.q(env.tcpUrl(n)) + "}").status()).isEqualTo(201);
        }
        assertThat(api.post("/api/apps", admin, "{\"name\":" + Api.q(app) + ",\"instances\":2,\"health\":{\"path\":"
                + "\"/health\",\"intervalMs\":500,\"startIntervalMs\":100,\"startTimeoutMs\":15000}}").status())
                .isEqualTo(201);
        // the page must answer before the browser opens it (the web UI bundle may start after the REST one)
        await().atMost(BOOT).ignoreExceptions().until(() -> api.get("/", null).status() == 200);
        browser = Browser.start(work);
    }

    @AfterAll
    void cleanUp() throws Exception {
        try {
            if (browser != null) {
                Files.write(work.resolve("last.png"), browser.screenshot());
                browser.close();
            }
        } finally {
            try {
                if (dist != null) {
                    dist.close();
                }
            } finally {
                for (String h : hostUrls) {
                    Docker.removeContainersOf(h, app);
                }
            }
        }
    }

    private void until(String what, java.util.concurrent.Callable<Boolean> condition) {
        await(what).atMost(LIVE).pollInterval(Duration.ofMillis(100)).ignoreExceptionsInstanceOf(Browser.WebDriverError.class)
                .until(condition);
    }

    @Test
    @Order(1)
    void aWrongTokenIsRefusedAndNothingIsShown() {
        browser.open(dist.baseUrl() + "/");
        until("the login form", () -> browser.exists("#token"));
        browser.type("#token", "dke_wrong-token");
        browser.click("#login-button");
        until("the refusal", () -> browser.displayed("#login-error"));
        assertThat(browser.text("#login-error")).contains("refused");
        assertThat(browser.exists("#dashboard")).isFalse();
        assertThat(browser.displayed("#nav")).isFalse();
    }

    @Test
    @Order(2)
    void loggingInShowsHostsAppsAndRoutersWithoutTheTokenInAnyUrlOrScriptReadableCookie() {
        browser.type("#token", admin);
        browser.click("#login-button");
        until("the dashboard", () -> browser.exists("#dashboard #hosts"));
        String hosts = browser.text("#hosts");
        assertThat(hosts).contains(hostUrls.get(0), hostUrls.get(1));
        assertThat(browser.findAll("#hosts tbody tr")).hasSize(2);
        until("both hosts up", () -> browser.text("#hosts").split("\\bup\\b", -1).length - 1 == 2);
        until("the app", () -> browser.text("#apps").contains(app));
        assertThat(browser.text("#apps tr[data-app='" + app + "'] .release")).isEqualTo("not deployed");
        until("the built-in router", () -> browser.text("#routers").contains("builtin"));
        assertThat(browser.text("#who")).contains("admin");

        assertThat(browser.url()).doesNotContain(admin);
        JsonNode cookies = browser.cookies();
        assertThat(cookies.findValuesAsText("name")).contains("dockerera_session");
        assertThat(cookies.findValues("value").stream().map(JsonNode::asText)).noneMatch(v -> v.contains(admin));
        for (JsonNode c : cookies) {
            if (c.path("name").asText().equals("dockerera_session")) {
                assertThat(c.path("httpOnly").asBoolean()).as("scripts cannot read the session").isTrue();
            }
        }
        assertThat(browser.execute("return document.cookie").asText()).doesNotContain("dockerera_session");
    }

    @Test
    @Order(3)
    void aDeployFromTheAppPageBecomesActiveLiveAndItsLogLinesArrive() {
        browser.click("#apps a[href='#/apps/" + app + "']");
        until("the app page", () -> browser.exists("#app-page #deploy-image"));
        browser.type("#deploy-image", env.get("image.v1"));
        browser.click("#deploy-button");
        until("the confirmation", () -> browser.displayed("#confirm"));
        assertThat(browser.text("#confirm-text")).contains("Deploy " + env.get("image.v1") + " to " + app);
        browser.click("#confirm-yes");
        until("the deploy accepted", () -> browser.text("#action-result").contains("Deploy d-"));

        // no reload: the same document sees the release become active through the event stream
        browser.execute("window.__sameDocument = true");
        until("release v1 active", () -> browser.exists("#active-release")
                && browser.text("#active-release").contains("release v1"));
        until("the releases table", () -> browser.text("#releases tr[data-version='1'] .release-status").equals("active"));
        until("two healthy instances", () -> browser.findAll("#instances tbody tr").size() == 2
                && browser.text("#instances").split("\\bhealthy\\b", -1).length - 1 == 2);
        until("the live events", () -> browser.text("#events").contains("release.active"));
        until("live log lines of both instances", () -> {
            String logs = browser.text("#logs");
            return logs.lines().filter(l -> l.contains("listening on"))
                    .map(l -> l.replaceAll("^\\d\\d:\\d\\d:\\d\\d (i-[0-9a-f]+): .*$", "$1")).filter(i -> i.startsWith("i-"))
                    .distinct().count() == 2;
        });
        assertThat(browser.execute("return window.__sameDocument === true").asBoolean()).as("no page reload").isTrue();

        // and live: a request through the router shows up in the log pane without any click
        until("a routed request", () -> {
            Probe.Answer a = Probe.viaRouter(dist.routerPort(), app, "/hello-from-the-test");
            return a != null && a.status() == 404;
        });
        int before = browser.text("#logs").split("\n").length;
        until("the request's log line", () -> browser.text("#logs").contains("GET /hello-from-the-test")
                && browser.text("#logs").split("\n").length >= before);
    }

    @Test
    @Order(4)
    void aChangeWithoutTheCsrfHeaderIsRefusedAndOneWithItGoesThrough() {
        JsonNode without = browser.executeAsync("const done = arguments[arguments.length - 1];"
                + "fetch('/api/apps/' + encodeURIComponent(arguments[0]) + '/scale', {method: 'PUT',"
                + " credentials: 'same-origin', headers: {'Content-Type': 'application/json'},"
                + " body: JSON.stringify({instances: 5})})"
                + ".then(r => r.json().then(j => done({status: r.status, type: j.type})))"
                + ".catch(e => done({error: String(e)}));", app);
        assertThat(without.path("status").asInt()).as(without.toString()).isEqualTo(403);
        assertThat(without.path("type").asText()).endsWith("csrf-failed");
        assertThat(api.get("/api/apps/" + app, admin).json().path("instances").asInt()).isEqualTo(2);

        browser.type("#scale-n", "1");
        browser.click("#scale-button");
        until("the confirmation", () -> browser.displayed("#confirm"));
        browser.click("#confirm-yes");
        until("one instance left", () -> browser.findAll("#instances tbody tr").size() == 1);
        assertThat(api.get("/api/apps/" + app, admin).json().path("instances").asInt()).isEqualTo(1);
    }
}
