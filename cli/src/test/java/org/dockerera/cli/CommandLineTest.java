package org.dockerera.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's own logic (argument positions, environment overrides, exit codes, what goes on the wire)
 * against a scripted HTTP endpoint; the CLI against the real controller is itests' CliIT.
 */
class CommandLineTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String override = ex.getRequestHeaders().getFirst("X-HTTP-Method-Override");
            requests.add(ex.getRequestMethod() + (override == null ? "" : "(" + override + ")") + " "
                    + ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("Authorization")
                    + (body.isEmpty() ? "" : " " + body));
            String path = ex.getRequestURI().getPath();
            int status = 200;
            String answer;
            if (path.equals("/api/apps")) {
                answer = "[{\"name\":\"web.test\",\"type\":\"web\",\"instances\":2,\"activeRelease\":3,"
                        + "\"image\":\"127.0.0.1:5000/web:v2\"}]";
            } else if (path.startsWith("/api/apps/nope.test")) {
                status = 404;
                answer = "{\"type\":\"/problems/app-not-found\",\"status\":404,\"detail\":\"no app 'nope.test'; see"
                        + " the apps with GET /api/apps\"}";
            } else if (path.equals("/api/apps/web.test/env")) {
                answer = "[{\"key\":\"A\",\"value\":\"1\",\"secret\":false}]";
            } else {
                status = 404;
                answer = "{\"type\":\"/problems/not-found\",\"detail\":\"no such resource\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int run(Map<String, String> extraEnv, String... args) {
        out.reset();
        err.reset();
        Map<String, String> env = new HashMap<>();
        env.put("DOCKERERA_CONFIG", dir.resolve("config").toString());
        env.put("DOCKERERA_URL", "http://127.0.0.1:" + server.getAddress().getPort());
        env.put("DOCKERERA_TOKEN", "dke_test");
        env.putAll(extraEnv);
        env.values().removeIf(v -> v == null);
        Terminal t = new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, false);
        return Dockerera.execute(t, env, args);
    }

    private int run(String... args) {
        return run(Map.of(), args);
    }

    @Test
    void theAppOptionWorksBeforeAndAfterTheSubcommandAndFromTheEnvironment() {
        assertThat(run("--app", "web.test", "envs")).isZero();
        assertThat(run("envs", "--app", "web.test")).isZero();
        assertThat(run("envs", "-a", "web.test")).isZero();
        assertThat(run(Map.of("DOCKERERA_APP", "web.test"), "envs")).isZero();
        assertThat(requests).hasSize(4).allMatch(r -> r.startsWith("GET /api/apps/web.test/env Bearer dke_test"));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("KEY", "A");
    }

    @Test
    void withoutAnAppItIsAUsageErrorAndNothingIsSent() {
        assertThat(run("envs")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("dockerera: which app? pass --app NAME (or set"
                + " DOCKERERA_APP)\n");
        assertThat(requests).isEmpty();
        assertThat(run("no-such-command")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("scale", "--app", "web.test")).as("missing N").isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void anUnknownAppExits1WithOneLineNamingTheNextStep() {
        assertThat(run("ps", "--app", "nope.test")).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("dockerera: no app 'nope.test'; see the apps with `dockerera apps`\n");
    }

    @Test
    void aControllerNobodyListensOnExits3() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(run(Map.of("DOCKERERA_URL", "http://127.0.0.1:" + port), "apps")).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("dockerera: cannot reach the controller at"
                + " http://127.0.0.1:" + port + ": connection refused").doesNotContain("\n\n");
    }

    @Test
    void noConfigurationAtAllIsAUsageErrorPointingAtInit() {
        Map<String, String> none = new HashMap<>();
        none.put("DOCKERERA_URL", null);
        none.put("DOCKERERA_TOKEN", null);
        assertThat(run(none, "apps")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("dockerera init");
    }

    @Test
    void jsonPrintsTheRestRepresentationAsIs() throws IOException {
        assertThat(run("apps", "--json")).isZero();
        assertThat(Api.JSON.readTree(out.toByteArray()).get(0).path("activeRelease").asInt()).isEqualTo(3);
    }

    @Test
    void envsUnsetSendsAMergePatchThroughThePostOverride() {
        run("envs:unset", "A", "B", "--app", "web.test");
        assertThat(requests).containsExactly("POST(PATCH) /api/apps/web.test/env Bearer dke_test {\"A\":null,\"B\":null}");
    }
}
