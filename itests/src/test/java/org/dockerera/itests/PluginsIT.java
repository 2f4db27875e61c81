package org.dockerera.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins on the assembled distribution: the listing of every plugin point, the example plugin
 * ({@code examples/strategy-plugin}, the {@code weighted} strategy) installed at run time from its own features
 * repository, selected, used by the next deploy and removed again, and a plugin bundle that cannot resolve reported
 * as failed while everything else keeps working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginsIT {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration DEPLOY = Duration.ofSeconds(60);
    private static final Duration SWAP = Duration.ofSeconds(30);
    private static final long GIB = 1L << 30;
    private static final String HEALTH = "{\"path\":\"/health\",\"intervalMs\":500,\"timeoutMs\":500,"
            + "\"healthyThreshold\":1,\"unhealthyThreshold\":2,\"startIntervalMs\":100,\"startTimeoutMs\":20000}";
    private static final String EXAMPLE = "dockerera-example-strategy";

    private final TestEnv env = TestEnv.load();
    private final String app = "plug-" + Long.toHexString(System.currentTimeMillis() % 0xfffffffL) + ".plugins.test";
    private final List<String> hostUrls = new ArrayList<>();
    /** weight label -> host id; the heaviest host is the smallest, so spread and weighted disagree. */
    private final Map<Integer, String> byWeight = new LinkedHashMap<>();
    private Distribution dist;
    private Api api;
    private String admin;
    private PluginHelp plugins;
    private String version;

    @BeforeAll
    void bootAndAddThreeWeightedHosts(@TempDir Path work) throws Exception {
        version = System.getProperty("dockerera.version", "0.1.0-SNAPSHOT");
        dist = Distribution.create(work);
        api = new Api(dist.baseUrl());
        dist.start();
        dist.awaitApi(BOOT);
        admin = dist.adminToken();
        plugins = new PluginHelp(api, admin);
        double[] cpus = {4, 2, 1};
        long[] memory = {8 * GIB, 4 * GIB, 2 * GIB};
        List<Integer> indexes = env.hostIndexes();
        for (int k = 0; k < 3; k++) {
            String url = env.tcpUrl(indexes.get(k));
            hostUrls.add(url);
            Api.Response r = api.post("/api/hosts", admin, "{\"url\":" + Api.q(url) + ",\"labels\":{\"weight\":\""
                    + (k + 1) + "\"},\"capacity\":{\"cpus\":" + cpus[k] + ",\"memoryBytes\":" + memory[k] + "}}");
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            byWeight.put(k + 1, r.json().get("id").asText());
        }
        assertThat(api.post("/api/apps", admin, "{\"name\":" + Api.q(app) + ",\"instances\":1,\"port\":8080,"
                + "\"resources\":{\"cpuRequest\":0.5,\"memoryRequest\":" + (256L << 20) + "},\"health\":" + HEALTH
                + ",\"drainTimeoutMs\":500,\"stopTimeoutMs\":3000}").status()).isEqualTo(201);
    }

    @AfterAll
    void cleanUp() throws Exception {
        try {
            if (dist != null) {
                dist.close();
            }
        } finally {
            for (String url : hostUrls) {
                Docker.removeContainersOf(url, app);
            }
        }
    }

    @Test
    @Order(1)
    void everyPluginPointIsListedWithBundleVersionUseAndHealth() throws Exception {
        JsonNode list = plugins.plugins();
        assertThat(list).extracting(p -> p.get("point").asText())
                .containsExactly("store", "provider", "strategy", "router", "routes");
        String bundleVersion = version.replace('-', '.');
        JsonNode embedded = PluginHelp.implementation(list, "store", "embedded").orElseThrow();
        assertThat(embedded.get("bundle").asText()).isEqualTo("dockerera-store-embedded");
        assertThat(embedded.get("version").asText()).isEqualTo(bundleVersion);
        assertThat(embedded.get("active").asBoolean()).isTrue();
        assertThat(embedded.get("health").asText()).isEqualTo("up");
        JsonNode docker = PluginHelp.implementation(list, "provider", "docker").orElseThrow();
        assertThat(docker.get("bundle").asText()).isEqualTo("dockerera-provider-docker");
        assertThat(docker.get("active").asBoolean()).isTrue();
        for (String s : List.of("spread", "binpack", "random")) {
            JsonNode strategy = PluginHelp.implementation(list, "strategy", s).orElseThrow();
            assertThat(strategy.get("bundle").asText()).isEqualTo("dockerera-scheduler");
            assertThat(strategy.get("active").asBoolean()).as(s).isEqualTo(s.equals("spread"));
            assertThat(strategy.get("health").asText()).isEqualTo("up");
        }
        JsonNode builtin = PluginHelp.implementation(list, "router", "builtin").orElseThrow();
        assertThat(builtin.get("bundle").asText()).isEqualTo("dockerera-router-builtin");
        assertThat(builtin.get("detail").asText()).isEqualTo("http://127.0.0.1:" + dist.routerPort());
        assertThat(builtin.get("health").asText()).isEqualTo("up");

        String shell = dist.client("dockerera:plugin-list strategy");
        assertThat(shell).contains("spread").contains("binpack").contains("dockerera-scheduler")
                .doesNotContain("dockerera-store-embedded");
    }

    @Test
    @Order(2)
    void theExamplePluginInstalledAtRunTimeIsListedSelectedAndUsedByTheNextDeploy() throws Exception {
        JsonNode spread = explain();
        assertThat(spread.get("strategy").asText()).isEqualTo("spread");
        assertThat(placedHosts(spread)).as("spread: the biggest host; %s", spread).containsExactly(byWeight.get(1));

        // what an operator does: put the plugin's artifacts where the (offline) distribution resolves mvn: URLs
        Path built = Path.of(System.getProperty("dockerera.example.plugin", "../examples/strategy-plugin/target"));
        PluginHelp.intoSystemRepository(dist, built.resolve(EXAMPLE + "-" + version + ".jar"),
                "org.dockerera.examples", EXAMPLE, version, null, "jar");
        PluginHelp.intoSystemRepository(dist, built.resolve("feature/feature.xml"), "org.dockerera.examples",
                EXAMPLE, version, "features", "xml");
        long t0 = System.nanoTime();
        dist.client("feature:repo-add mvn:org.dockerera.examples/" + EXAMPLE + "/" + version + "/xml/features");
        dist.client("feature:install " + EXAMPLE);
        plugins.awaitImplementation("strategy", "weighted", i -> i != null && i.get("health").asText().equals("up"),
                SWAP);
        System.out.printf("PluginsIT: example plugin installed and listed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        JsonNode weighted = plugins.implementation("strategy", "weighted").orElseThrow();
        assertThat(weighted.get("bundle").asText()).isEqualTo(EXAMPLE);
        assertThat(weighted.get("active").asBoolean()).as("installed, not selected yet").isFalse();

        assertThat(dist.client("dockerera:strategy-set weighted")).contains("Placement strategy: weighted");
        plugins.awaitImplementation("strategy", "weighted", i -> i != null && i.get("active").asBoolean(), SWAP);
        assertThat(plugins.implementation("strategy", "spread").orElseThrow().get("active").asBoolean()).isFalse();

        JsonNode d = deploy(env.get("image.v1"));
        assertThat(d.get("status").asText()).as("%s", d).isEqualTo("succeeded");
        JsonNode instances = api.get("/api/apps/" + app + "/instances?stats=false", admin).json();
        assertThat(instances).hasSize(1);
        assertThat(instances.get(0).get("hostId").asText()).as("weighted: the heaviest host, the smallest one")
                .isEqualTo(byWeight.get(3));
    }

    @Test
    @Order(3)
    void aPluginThatCannotResolveIsReportedAsFailedAndEverythingElseKeepsWorking(@TempDir Path dir) throws Exception {
        Path broken = PluginHelp.unresolvableStrategyBundle(dir.resolve("broken-strategy.jar"));
        dist.client("bundle:install -s file:" + broken);
        plugins.awaitImplementation("strategy", "dockerera-broken-strategy",
                i -> i != null && i.get("health").asText().startsWith("failed"), SWAP);
        JsonNode failed = plugins.implementation("strategy", "dockerera-broken-strategy").orElseThrow();
        assertThat(failed.get("health").asText()).as("the resolver's reason").contains("org.example.nowhere");
        assertThat(failed.get("active").asBoolean()).isFalse();
        assertThat(failed.get("version").asText()).isEqualTo("1.0.0");
        assertThat(dist.client("dockerera:plugin-list strategy")).contains("dockerera-broken-strategy")
                .contains("failed");

        // a component that cannot run (a service it needs is missing): listed under its strategy name, with the DS
        // runtime's reason
        Path built = Path.of(System.getProperty("dockerera.example.plugin", "../examples/strategy-plugin/target"));
        Path explodes = PluginHelp.unsatisfiedStrategyComponentBundle(built.resolve(EXAMPLE + "-" + version + ".jar"),
                dir.resolve("failing-strategy.jar"));
        dist.client("bundle:install -s file:" + explodes);
        plugins.awaitImplementation("strategy", "explodes",
                i -> i != null && i.get("health").asText().startsWith("failed"), SWAP);
        JsonNode explodesEntry = plugins.implementation("strategy", "explodes").orElseThrow();
        System.out.println("PluginsIT: failing component listed as " + explodesEntry);
        assertThat(explodesEntry.get("bundle").asText()).isEqualTo("dockerera-failing-strategy");
        assertThat(explodesEntry.get("health").asText()).contains("unsatisfied reference dependency");
        assertThat(explodesEntry.get("active").asBoolean()).isFalse();

        // the others are unaffected: still listed up, the selected one still active, and deploys still work
        JsonNode list = plugins.plugins();
        assertThat(PluginHelp.implementation(list, "strategy", "weighted").orElseThrow().get("active").asBoolean())
                .isTrue();
        assertThat(PluginHelp.implementation(list, "provider", "docker").orElseThrow().get("health").asText())
                .isEqualTo("up");
        assertThat(deploy(env.get("image.v2")).get("status").asText()).isEqualTo("succeeded");
        assertThat(api.get("/api/apps/" + app + "/instances?stats=false", admin).json().get(0).get("hostId").asText())
                .isEqualTo(byWeight.get(3));

        java.util.regex.Matcher id = java.util.regex.Pattern.compile("bundle (\\d+)").matcher(failed.get("health").asText());
        assertThat(id.find()).as("the health names the bundle id").isTrue();
        dist.client("bundle:uninstall " + id.group(1));
        plugins.awaitImplementation("strategy", "dockerera-broken-strategy", i -> i == null, SWAP);
        dist.client("bundle:uninstall dockerera-failing-strategy");
        plugins.awaitImplementation("strategy", "explodes", i -> i == null, SWAP);
    }

    @Test
    @Order(4)
    void theExamplePluginIsRemovedAtRunTimeAndPlacementIsBackToSpread() throws Exception {
        dist.client("dockerera:strategy-set spread");
        plugins.awaitImplementation("strategy", "spread", i -> i != null && i.get("active").asBoolean(), SWAP);
        long t0 = System.nanoTime();
        dist.client("feature:uninstall " + EXAMPLE);
        dist.client("feature:repo-remove mvn:org.dockerera.examples/" + EXAMPLE + "/" + version + "/xml/features");
        plugins.awaitImplementation("strategy", "weighted", i -> i == null, SWAP);
        System.out.printf("PluginsIT: example plugin removed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(dist.client("bundle:list -s --no-format")).doesNotContain(EXAMPLE);

        JsonNode spread = explain();
        assertThat(spread.get("strategy").asText()).isEqualTo("spread");
        assertThat(deploy(env.get("image.v1")).get("status").asText()).isEqualTo("succeeded");
    }

    private JsonNode explain() {
        Api.Response r = api.post("/api/apps/" + app + "/deploys?explain=true", admin,
                "{\"image\":" + Api.q(env.get("image.v1")) + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static List<String> placedHosts(JsonNode explanation) {
        List<String> out = new ArrayList<>();
        explanation.get("placements").forEach(p -> out.add(p.get("hostId").asText()));
        return out;
    }

    private JsonNode deploy(String image) {
        Api.Response r = api.post("/api/apps/" + app + "/deploys", admin, "{\"image\":" + Api.q(image) + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        String id = r.json().get("id").asText();
        return await().atMost(DEPLOY).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/api/deploys/" + id, admin).json(), d -> {
                    String s = d.get("status").asText();
                    return s.equals("succeeded") || s.equals("failed");
                });
    }
}
