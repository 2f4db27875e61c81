package org.dockerera.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium through chromedriver (Debian's {@code chromium} and {@code chromium-driver}), spoken to over the
 * W3C WebDriver protocol: a real browser running the web UI's JavaScript, without a Selenium dependency.
 */
public final class Browser implements AutoCloseable {
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process driver;
    private final String base;
    private final String session;

    private Browser(Process driver, String base, String session) {
        this.driver = driver;
        this.base = base;
        this.session = session;
    }

    public static Browser start(Path work) throws Exception {
        Path chromedriver = Path.of(System.getProperty("chromedriver", "/usr/bin/chromedriver"));
        Path chromium = Path.of(System.getProperty("chromium", "/usr/bin/chromium"));
        if (!Files.isExecutable(chromedriver) || !Files.isExecutable(chromium)) {
            throw new IllegalStateException("chromium and chromedriver are needed (scripts/env.sh installs"
                    + " chromium and chromium-driver)");
        }
        int port = Distribution.freePort();
        Process p = new ProcessBuilder(chromedriver.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(work.resolve("chromedriver.log").toFile()).start();
        String base = "http://127.0.0.1:" + port;
        HttpClient probe = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                if (probe.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("chromedriver did not answer on " + base, notYet);
                }
            }
            p.waitFor(100, TimeUnit.MILLISECONDS);
        }
        ObjectNode caps = Api.JSON.createObjectNode();
        ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        ObjectNode chrome = always.putObject("goog:chromeOptions");
        chrome.put("binary", chromium.toString());
        List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--window-size=1280,900",
                "--user-data-dir=" + work.resolve("chromium-profile")).forEach(chrome.putArray("args")::add);
        Browser tmp = new Browser(p, base, null);
        JsonNode s = tmp.send("POST", base + "/session", caps);
        return new Browser(p, base, s.path("value").path("sessionId").asText());
    }

    private JsonNode send(String method, String url, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json; charset=utf-8");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString()));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = Api.JSON.readTree(r.body());
            if (r.statusCode() >= 400) {
                throw new WebDriverError(json.path("value").path("error").asText(),
                        json.path("value").path("message").asText());
            }
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A WebDriver error: {@code no such element}, {@code stale element reference} … */
    public static final class WebDriverError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String error;

        WebDriverError(String error, String message) {
            super(error + ": " + message);
            this.error = error;
        }

        public String error() {
            return error;
        }
    }

    private JsonNode cmd(String method, String path, JsonNode body) {
        return send(method, base + "/session/" + session + path, body).path("value");
    }

    public void open(String url) {
        cmd("POST", "/url", Api.JSON.createObjectNode().put("url", url));
    }

    public String url() {
        return cmd("GET", "/url", null).asText();
    }

    /** The first element matching the CSS selector; {@link WebDriverError} {@code no such element} if none. */
    public String find(String css) {
        JsonNode v = cmd("POST", "/element", Api.JSON.createObjectNode().put("using", "css selector").put("value", css));
        return v.path(ELEMENT).asText();
    }

    public List<String> findAll(String css) {
        JsonNode v = cmd("POST", "/elements", Api.JSON.createObjectNode().put("using", "css selector").put("value", css));
        return v.findValuesAsText(ELEMENT);
    }

    public boolean exists(String css) {
        return !findAll(css).isEmpty();
    }

    public String text(String css) {
        return cmd("GET", "/element/" + find(css) + "/text", null).asText();
    }

    public boolean displayed(String css) {
        return cmd("GET", "/element/" + find(css) + "/displayed", null).asBoolean();
    }

    public void click(String css) {
        cmd("POST", "/element/" + find(css) + "/click", Api.JSON.createObjectNode());
    }

    public void type(String css, String text) {
        String el = find(css);
        cmd("POST", "/element/" + el + "/clear", Api.JSON.createObjectNode());
        cmd("POST", "/element/" + el + "/value", Api.JSON.createObjectNode().put("text", text));
    }

    /** Runs an async script: the last argument is the callback; returns what it was called with. */
    public JsonNode executeAsync(String script, Object... args) {
        ObjectNode body = Api.JSON.createObjectNode().put("script", script);
        for (Object a : args) {
            body.withArray("args").add(String.valueOf(a));
        }
        body.withArray("args");
        return cmd("POST", "/execute/async", body);
    }

    public JsonNode execute(String script) {
        ObjectNode body = Api.JSON.createObjectNode().put("script", script);
        body.putArray("args");
        return cmd("POST", "/execute/sync", body);
    }

    public JsonNode cookies() {
        return cmd("GET", "/cookie", null);
    }

    public byte[] screenshot() {
        return java.util.Base64.getDecoder().decode(cmd("GET", "/screenshot", null).asText());
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                send("DELETE", base + "/session/" + session, null);
            }
        } catch (RuntimeException ignored) {
            // the driver goes anyway
        } finally {
            driver.destroy();
            try {
                if (!driver.waitFor(5, TimeUnit.SECONDS)) {
                    driver.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
