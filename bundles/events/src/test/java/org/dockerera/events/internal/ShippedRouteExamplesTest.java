package org.dockerera.events.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.dockerera.api.events.Event;
import org.dockerera.api.events.EventTypes;
import org.dockerera.api.events.RouteFileStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples shipped in {@code etc/dockerera/routes.examples/} load as route files (dropped into a watched directory
 * as an operator would copy them, only their webhook address changed) and do what their comments say.
 */
class ShippedRouteExamplesTest {
    private static final Path EXAMPLES = Path.of("../../etc/dockerera/routes.examples");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path routes;
    @TempDir
    Path karafData;
    private CamelRuntime runtime;
    private CamelEventBus bus;
    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private String previousKarafData;

    record Received(String path, String contentType, String eventType, Event event) {
    }

    @BeforeEach
    void start() throws Exception {
        previousKarafData = System.getProperty("karaf.data");
        System.setProperty("karaf.data", karafData.toString());
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("dockereraEventType"), EventJson.read(body)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        runtime = new CamelRuntime();
        runtime.start();
        bus = new CamelEventBus(runtime.context(), 100);
        runtime.watchRoutes(routes, Duration.ofMillis(100));
    }

    @AfterEach
    void stop() {
        bus.close();
        runtime.stop();
        receiver.stop(0);
        if (previousKarafData == null) {
            System.clearProperty("karaf.data");
        } else {
            System.setProperty("karaf.data", previousKarafData);
        }
    }

    /** Copies an example into the routes directory, pointing its webhook (127.0.0.1:9000 or :9001) at the receiver. */
    private void install(String example) throws IOException {
        String text = Files.readString(EXAMPLES.resolve(example))
                .replaceAll("127\\.0\\.0\\.1:900[01]", "127.0.0.1:" + receiver.getAddress().getPort());
        Files.writeString(routes.resolve(example), text);
        await().atMost(WAIT).until(() -> runtime.files().stream()
                .anyMatch(s -> s.file().equals(example) && s.state().equals(RouteFileStatus.LOADED)));
    }

    @Test
    void theDeployWebhookPostsEveryDeployEventAsJsonAndNothingElse() throws Exception {
        install("deploy-webhook.yaml");

        bus.publish(new Event(EventTypes.DEPLOY_QUEUED, null, "shop", null, null, "d-1", "deploy image x"));
        bus.publish(Event.host(EventTypes.HOST_DOWN, "h1", "no answer"));
        bus.publish(new Event(EventTypes.INSTANCE_STARTED, null, "shop", "h1", 1, "d-1", "127.0.0.2:3000", "i-1"));
        bus.publish(new Event(EventTypes.DEPLOY_SUCCEEDED, null, "shop", null, 1, "d-1", "done"));

        await().atMost(WAIT).until(() -> received.size() == 2);
        assertThat(received).extracting(r -> r.event().type())
                .containsExactlyInAnyOrder(EventTypes.DEPLOY_QUEUED, EventTypes.DEPLOY_SUCCEEDED);
        assertThat(received).allSatisfy(r -> {
            assertThat(r.path()).isEqualTo("/hook");
            assertThat(r.contentType()).startsWith("application/json");
            assertThat(r.eventType()).isEqualTo(r.event().type());
            assertThat(r.event().deployId()).isEqualTo("d-1");
            assertThat(r.event().app()).isEqualTo("shop");
        });
        assertThat(runtime.deadLetterCount()).isZero();
    }

    @Test
    void theAuditLogAppendsEveryEventAsOneJsonLine() throws Exception {
        install("audit-log.xml");

        bus.publish(Event.host(EventTypes.HOST_ADDED, "h1", "tcp://127.0.0.2:2375"));
        bus.publish(new Event(EventTypes.APP_CREATED, null, "shop", null, null, null, null));
        bus.publish(Event.host(EventTypes.HOST_DOWN, "h1", "no answer"));

        Path audit = karafData.resolve("log/dockerera-audit.jsonl");
        await().atMost(WAIT).until(() -> Files.exists(audit) && Files.readAllLines(audit).size() == 3);
        assertThat(Files.readAllLines(audit)).extracting(l -> EventJson.read(l).type())
                .containsExactlyInAnyOrder(EventTypes.HOST_ADDED, EventTypes.APP_CREATED, EventTypes.HOST_DOWN);
    }

    @Test
    void theHostDownAlertPostsOnlyHostDownEvents() throws Exception {
        install("host-down-alert.yaml");

        bus.publish(Event.host(EventTypes.HOST_UP, "h1", "20.10.24"));
        bus.publish(Event.host(EventTypes.HOST_DOWN, "h2", "connection refused"));

        await().atMost(WAIT).until(() -> received.size() == 1);
        Received alert = received.get(0);
        assertThat(alert.path()).isEqualTo("/alerts");
        assertThat(alert.event().type()).isEqualTo(EventTypes.HOST_DOWN);
        assertThat(alert.event().hostId()).isEqualTo("h2");
        assertThat(alert.event().message()).isEqualTo("connection refused");
    }

    @Test
    void aWebhookThatFailsGoesToTheDeadLetterRouteAndTheRouteKeepsWorking() throws Exception {
        install("deploy-webhook.yaml");
        receiver.removeContext("/");
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            boolean fail = received.isEmpty();
            received.add(new Received(exchange.getRequestURI().getPath(), null, null, null));
            exchange.sendResponseHeaders(fail ? 500 : 204, -1);
            exchange.close();
        });

        bus.publish(new Event(EventTypes.DEPLOY_QUEUED, null, "shop", null, null, "d-1", null));
        await().atMost(WAIT).until(() -> runtime.deadLetterCount() == 1);
        bus.publish(new Event(EventTypes.DEPLOY_STARTED, null, "shop", null, 1, "d-1", null));

        await().atMost(WAIT).until(() -> received.size() == 2);
        assertThat(runtime.deadLetterCount()).isEqualTo(1);
    }
}
