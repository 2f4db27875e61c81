package org.dockerera.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dockerera} CLI end to end: the launcher built by cli/ (a separate process, as a user runs it) against
 * the assembled distribution and real Docker daemons, following the README's quickstart, with asserted output and
 * exit codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {
    private static final Duration BOOT = Duration.ofSeconds(90);

    private final TestEnv env = TestEnv.load();
    private final String app = "cli" + Long.toHexString(System.currentTimeMillis() % 0xfffffffL) + ".test";
    private final List<String> hostUrls = new ArrayList<>();
    private Distribution dist;
    private Path config;
    private Path cli;

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    void boot(@TempDir Path work) throws Exception {
        cli = Path.of(System.getProperty("dockerera.cli", "../cli/target/dockerera")).toAbsolutePath().normalize();
        assertThat(cli).as("the CLI launcher is built by the cli module").isExecutable();
        config = work.resolve("home/.dockerera/config");
        dist = Distribution.create(work);
        dist.start();
        Api api = new Api(dist.baseUrl());
        dist.awaitApi(BOOT);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dist.home().resolve("data/dockerera/admin.token")));
        List<Integer> hosts = env.hostIndexes();
        hostUrls.add(env.tcpUrl(hosts.get(0)));
        hostUrls.add(env.tcpUrl(hosts.get(1)));
    }

    @AfterAll
    void cleanUp() throws Exception {
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

    private Result cli(String... args) throws Exception {
        return cli(Map.of(), args);
    }

    private Result cli(Map<String, String> extraEnv, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(cli.toString());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("DOCKERERA_"));
        e.put("DOCKERERA_CONFIG", config.toString());
        e.put("DOCKERERA_HOME", dist.home().toString());
        e.putAll(extraEnv);
        Process p = pb.start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("dockerera " + String.join(" ", args) + " did not end within 3 minutes");
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(" + e + ")";
            }
        });
    }

    private Result ok(String... args) throws Exception {
        Result r = cli(args);
        assertThat(r.exit()).as("dockerera %s\n%s", String.join(" ", args), r).isZero();
        assertThat(r.err()).as("dockerera %s: nothing on stderr\n%s", String.join(" ", args), r).isEmpty();
        return r;
    }

    private Probe.Answer throughRouter(String path) {
        Probe.Answer a = Probe.viaRouter(dist.routerPort(), app, path);
        return a == null ? new Probe.Answer(0, "<no answer>") : a;
    }

    @Test
    @Order(1)
    void theQuickstartFromInitToARoutedAppRollbackScaleRunAndDescribe() throws Exception {
        // init offers the local admin token file (stdin is empty: the default answer, yes)
        Result init = cli("init", "--url", dist.baseUrl());
        assertThat(init.exit()).as(init.toString()).isZero();
        assertThat(init.out()).contains("Saved profile default", dist.baseUrl(), "scope admin");
        assertThat(init.err()).contains("Use the admin token in " + dist.home().resolve("data/dockerera/admin.token"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");

        assertThat(ok("hosts:add", hostUrls.get(0), "--label", "zone=a").out()).startsWith("Added host h-").contains("up");
        assertThat(ok("hosts:add", hostUrls.get(1), "--label", "zone=b").out()).startsWith("Added host h-");
        String hosts = ok("hosts").out();
        assertThat(hosts.lines().findFirst().orElse("")).startsWith("ID").contains("URL", "STATUS");
        assertThat(hosts).contains(hostUrls.get(0), hostUrls.get(1), "zone=a", "zone=b");
        assertThat(hosts.lines().skip(1)).hasSize(2).allMatch(l -> l.contains(" up "));

        assertThat(ok("apps:add", app, "--instances", "2", "--health-path", "/health", "--start-timeout", "15").out())
                .contains("Created app " + app);
        // --app after the subcommand, and before it
        assertThat(ok("envs:set", "GREETING=hello", "--app", app).out()).contains("Recorded");
        assertThat(ok("--app", app, "envs").out()).contains("GREETING", "hello");

        Result deploy = ok("deploy", env.get("image.v1"), "--wait", "--app", app);
        assertThat(deploy.out()).contains("instance.started", "instance.healthy", "deploy.succeeded")
                .endsWith("Release v1 of " + app + " is active (" + env.get("image.v1") + ")\n");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> throughRouter("/env/GREETING").body().equals("hello"));
        assertThat(throughRouter("/").body()).startsWith("testapp v1");

        String ps = ok("ps", "--app", app).out();
        assertThat(ps.lines().skip(1)).hasSize(2).allMatch(l -> l.contains(" v1 ") && l.contains(" healthy "));

        String logs = ok("logs", "--app", app).out();
        assertThat(logs).as("both instances' lines, prefixed by instance").isNotBlank();
        assertThat(logs.lines().map(l -> l.split(" ")[1]).distinct()).hasSize(2);

        ok("deploy", env.get("image.v2"), "--wait", "--app", app);
        assertThat(throughRouter("/").body()).startsWith("testapp v2");
        Result rollback = ok("rollback", "--wait", "--app", app);
        assertThat(rollback.out()).endsWith("Release v3 of " + app + " is active (" + env.get("image.v1") + ")\n");
        assertThat(throughRouter("/").body()).startsWith("testapp v1");
        List<String> releases = ok("releases", "--app", app).out().lines().skip(1).toList();
        assertThat(releases).hasSize(3);
        assertThat(releases.get(0)).startsWith("v3").contains("active", "rollback");
        assertThat(releases.get(1)).startsWith("v2").contains("superseded", env.get("image.v2"));

        ok("scale", "3", "--wait", "--app", app);
        assertThat(ok("ps", "--app", app).out().lines().skip(1)).hasSize(3);

        Result run = cli("run", "--app", app, "--", "/testapp", "--echo", "one-off", "--exit", "7");
        assertThat(run.exit()).as(run.toString()).isEqualTo(7);
        assertThat(run.out()).contains("one-off", "hello");

        String describe = ok("describe").out();
        assertThat(describe).contains("Hosts", hostUrls.get(0), hostUrls.get(1), "Apps", app, "3/3 healthy",
                "release v3", "Routers", "builtin");

        JsonNode apps = Api.JSON.readTree(ok("apps", "--json").out());
        assertThat(apps.isArray()).isTrue();
        assertThat(apps.findValuesAsText("name")).contains(app);
        JsonNode psJson = Api.JSON.readTree(ok("ps", "--json", "--app", app).out());
        assertThat(psJson).hasSize(3);
        JsonNode describeJson = Api.JSON.readTree(ok("describe", "--json").out());
        assertThat(describeJson.path("routers").size()).isGreaterThanOrEqualTo(1);
    }

    @Test
    @Order(2)
    void aBrokenReleaseMakesDeployWaitExit1WithOneLineAndTheActiveReleaseKeepsServing() throws Exception {
        Result r = cli("deploy", env.get("image.broken"), "--wait", "--app", app);
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().lines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).startsWith("dockerera: deploy d-").contains("failed");
        assertThat(throughRouter("/").body()).startsWith("testapp v1");
    }

    @Test
    @Order(3)
    void badInputGetsOneLineAndTheRightExitCode() throws Exception {
        Result unknown = cli("ps", "--app", "nope.test");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("dockerera: no app 'nope.test'; see the apps with `dockerera apps`\n");

        Result badImage = cli("deploy", "Not An Image", "--app", app);
        assertThat(badImage.exit()).isEqualTo(1);
        assertThat(badImage.err().lines()).hasSize(1);

        int port = Ports.free();
        Result unreachable = cli(Map.of("DOCKERERA_URL", "http://127.0.0.1:" + port), "apps");
        assertThat(unreachable.exit()).isEqualTo(3);
        assertThat(unreachable.err().lines()).hasSize(1);
        assertThat(unreachable.err()).contains("cannot reach the controller", "connection refused");

        Result refused = cli(Map.of("DOCKERERA_TOKEN", "dke_not-a-token"), "apps");
        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.err()).startsWith("dockerera: the controller refused the token");

        Result usage = cli("scale", "--app", app);
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err().lines()).hasSize(1);
    }

    @Test
    @Order(4)
    void aDeployTokenMadeByTheCliDeploysButMayNotAddHosts() throws Exception {
        Result created = cli("tokens:create", "ci-" + app.substring(0, 8), "--scope", "deploy");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.err()).as("the notice goes to stderr, so stdout is only the secret").contains("not shown again");
        String token = created.out().strip();
        assertThat(token).startsWith("dke_");
        Map<String, String> asCi = new HashMap<>();
        asCi.put("DOCKERERA_TOKEN", token);
        Result hostAdd = cli(asCi, "hosts:add", "tcp://127.0.0.1:1", "--force");
        assertThat(hostAdd.exit()).isEqualTo(3);
        assertThat(hostAdd.err()).startsWith("dockerera: the token may not do this");
        Result envs = cli(asCi, "envs", "--app", app);
        assertThat(envs.exit()).as(envs.toString()).isZero();
        String id = ok("tokens", "--json").out().transform(s -> {
            try {
                for (JsonNode t : Api.JSON.readTree(s)) {
                    if (t.path("name").asText().equals("ci-" + app.substring(0, 8))) {
                        return t.path("id").asText();
                    }
                }
                return null;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        ok("tokens:revoke", id);
        assertThat(cli(asCi, "envs", "--app", app).exit()).isEqualTo(3);
    }
}
