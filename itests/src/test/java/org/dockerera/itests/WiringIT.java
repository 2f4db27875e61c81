package org.dockerera.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.dockerera.api.HostService;
import org.dockerera.api.TokenScope;
import org.dockerera.api.TokenService;
import org.dockerera.api.events.EventBus;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;

/**
 * Wiring: the dockerera features installed in a stock Karaf 4.4.10, real Docker daemons added through REST, a
 * daemon stopped and restarted, and the host events seen both on the Camel context and on /api/events.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WiringIT {
    static final int HTTP_PORT = freePort();
    static final int ROUTER_PORT = freePort();

    @Inject
    HostService hosts;

    @Inject
    TokenService tokens;

    @Inject
    org.dockerera.spi.scheduler.Scheduler scheduler;

    @Inject
    org.dockerera.api.AppService apps;

    @Inject
    org.dockerera.api.DeployService deploys;

    @Inject
    @Filter("(dockerera.context=dockerera)")
    CamelContext camel;

    @Configuration
    public Option[] config() {
        MavenArtifactUrlReference karaf = maven().groupId("org.apache.karaf").artifactId("apache-karaf")
                .type("tar.gz").versionAsInProject();
        String env = TestEnv.load().root().toString();
        return options(
                karafDistributionConfiguration().frameworkUrl(karaf).unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevelOption.LogLevel.WARN),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(HTTP_PORT)),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1"),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.dockerera.controller.cfg", "autoRegisterLocal", "false"),
                editConfigurationFilePut("etc/org.dockerera.controller.cfg", "heartbeatIntervalMs", "500"),
                editConfigurationFilePut("etc/org.dockerera.controller.cfg", "downAfterMs", "2500"),
                editConfigurationFilePut("etc/org.dockerera.router.builtin.cfg", "listenHost", "127.0.0.1"),
                editConfigurationFilePut("etc/org.dockerera.router.builtin.cfg", "port", String.valueOf(ROUTER_PORT)),
                // its HTTPS listener too: the default 8443 may be taken on the machine (another dockerera), and a
                // router that cannot bind never registers
                editConfigurationFilePut("etc/org.dockerera.router.builtin.cfg", "httpsPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository")),
                features(maven().groupId("org.dockerera").artifactId("dockerera-features").classifier("features")
                        .type("xml").versionAsInProject(), "dockerera"),
                mavenBundle().groupId("org.assertj").artifactId("assertj-core").versionAsInProject(),
                mavenBundle().groupId("net.bytebuddy").artifactId("byte-buddy").versionAsInProject(),
                mavenBundle().groupId("org.awaitility").artifactId("awaitility").versionAsInProject(),
                mavenBundle().groupId("org.hamcrest").artifactId("hamcrest").versionAsInProject(),
                systemProperty("dockerera.it.http").value(String.valueOf(HTTP_PORT)),
                systemProperty("dockerera.it.router").value(String.valueOf(ROUTER_PORT)),
                systemProperty("dockerera.env").value(env),
                systemProperty("dockerera.scripts").value(new File("../scripts").getAbsolutePath()));
    }

    @Test
    public void hostsAddedOverRestGoDownAndUpWithEventsOnCamelAndSse() throws Exception {
        TestEnv env = TestEnv.load();
        int httpPort = Integer.getInteger("dockerera.it.http");
        List<Integer> indexes = env.hostIndexes();
        assertThat(indexes).hasSizeGreaterThanOrEqualTo(2);
        int a = indexes.get(0);
        int b = indexes.get(1);
        String token = tokens.create("wiring-it", TokenScope.ADMIN).token();
        Api api = new Api("http://127.0.0.1:" + httpPort);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> api.get("/api/health", null).status() == 200);

        // the Camel side: an ordinary route consuming the event endpoint
        List<String> camelEvents = new CopyOnWriteArrayList<>();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(EventBus.ENDPOINT).routeId("wiring-it-host-events")
                        .process(x -> camelEvents.add(x.getMessage().getHeader(EventBus.TYPE_HEADER, String.class)
                                + " " + x.getMessage().getBody(String.class)));
            }
        });
        // the SSE side
        List<String> sse = new CopyOnWriteArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/api/events"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    sse.add(line);
                }
            } catch (Exception closed) {
                // the test ended
            }
        }, "wiring-it-sse");
        reader.setDaemon(true);
        reader.start();

        Api.Response addA = api.post("/api/hosts", token, "{\"url\":" + Api.q(env.tcpUrl(a)) + "}");
        assertThat(addA.status()).as(addA.toString()).isEqualTo(201);
        Api.Response addB = api.post("/api/hosts", token, "{\"url\":" + Api.q(env.unixUrl(b)) + "}");
        assertThat(addB.status()).as(addB.toString()).isEqualTo(201);
        String idA = addA.json().get("id").asText();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode list = api.get("/api/hosts", token).json();
            assertThat(list).hasSize(2);
            assertThat(list.findValuesAsText("status")).containsOnly("up");
            assertThat(list.findValuesAsText("engineId")).doesNotHaveDuplicates().doesNotContainNull();
        });

        env.hosts("stop", String.valueOf(a));
        try {
            // heartbeat 0.5 s, down after 2.5 s without one: well inside 15 s
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(hosts.get(idA).status().toString()).isEqualTo("down"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(camelEvents).anySatisfy(e -> assertThat(e).startsWith("host.down ").contains(idA));
                assertThat(String.join("\n", sse)).contains("event: host.down").contains(idA);
            });
            assertThat(hosts.get(env.unixUrl(b)).status().toString()).isEqualTo("up");
        } finally {
            env.hosts("start", String.valueOf(a));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(hosts.get(idA).status().toString()).isEqualTo("up"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(camelEvents).anySatisfy(e -> assertThat(e).startsWith("host.up ").contains(idA));
            assertThat(String.join("\n", sse)).contains("event: host.up");
        });
        camel.getRouteController().stopRoute("wiring-it-host-events");
        camel.removeRoute("wiring-it-host-events");
    }

    @Test
    public void theSchedulerOffersEveryStrategyAndUsesTheConfiguredOne() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(scheduler.strategies()).contains("spread", "binpack", "random"));
        assertThat(scheduler.strategy()).isEqualTo("spread");
        org.dockerera.spi.scheduler.PlacementPlan plan = scheduler.place(
                org.dockerera.spi.scheduler.PlacementRequest.of("wiring.test", 2),
                List.of(org.dockerera.spi.scheduler.HostSnapshot.of("h-a", java.util.Map.of(), 2, 1L << 30),
                        org.dockerera.spi.scheduler.HostSnapshot.of("h-b", java.util.Map.of(), 2, 1L << 30)));
        assertThat(plan.complete()).isTrue();
        assertThat(plan.assignments()).containsExactlyInAnyOrder("h-a", "h-b");
    }

    @Test
    public void appsAndDeploysAreServedWithTheSchedulerBehindThem() {
        org.dockerera.api.App app = apps.create(org.dockerera.api.AppSpec.named("wiring-app.test"));
        assertThat(apps.get("wiring-app.test")).isEqualTo(app);
        org.dockerera.api.Explanation plan = deploys.explain("wiring-app.test",
                new org.dockerera.api.DeployRequest("127.0.0.1:5000/testapp:v1", 1));
        assertThat(plan.strategy()).isEqualTo("spread");
        assertThat(plan.instances()).isEqualTo(1);
        assertThat(deploys.list("wiring-app.test")).isEmpty();
    }

    @Inject
    org.dockerera.api.RouterService routers;

    @Test
    public void theBuiltInRouterRegistersThroughTheAgentAndAcknowledgesTheTable() {
        int routerPort = Integer.getInteger("dockerera.it.router");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(routers.list())
                .anySatisfy(r -> {
                    assertThat(r.type()).isEqualTo("builtin");
                    assertThat(r.url()).isEqualTo("http://127.0.0.1:" + routerPort);
                    assertThat(r.status()).isEqualTo("up");
                }));
        apps.create(org.dockerera.api.AppSpec.named("routed-wiring.test"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", routerPort)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: routed-wiring.test\r\nConnection: close\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(answer).as("a known app without instances").startsWith("HTTP/1.1 503").contains("routed-wiring.test");
            }
        });
        long epoch = routers.list().get(0).epoch();
        assertThat(epoch).isGreaterThan(0);
    }

    static int freePort() {
        return Ports.free();
    }
}
