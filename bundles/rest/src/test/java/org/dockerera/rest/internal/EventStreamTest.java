package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dockerera.api.events.Event;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /api/events} over a real socket (HTTP/1.0, so the stream is not chunked). */
class EventStreamTest {
    ApiServer server;
    final List<SseClient> clients = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void pollQuickly() {
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
        Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
    }

    @AfterAll
    static void resetPolling() {
        Awaitility.reset();
    }

    @AfterEach
    void stop() throws Exception {
        for (SseClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    ApiServer start(Duration heartbeat, int queueLimit) {
        server = new ApiServer(new RestSettings(Duration.ofHours(12), Duration.ofSeconds(60), heartbeat, 64 * 1024,
                queueLimit));
        return server;
    }

    /** Reads the response line by line on its own thread. */
    final class SseClient implements AutoCloseable {
        final Socket socket;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final AtomicBoolean eof = new AtomicBoolean();

        SseClient(String token, boolean read) throws IOException {
            socket = new Socket("127.0.0.1", server.port);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/events HTTP/1.0\r\nAuthorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            clients.add(this);
            if (read) {
                Thread t = new Thread(this::readAll, "sse-test-reader");
                t.setDaemon(true);
                t.start();
            }
        }

        private void readAll() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // closed by the test
            }
            eof.set(true);
        }

        String text() {
            return String.join("\n", lines);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void streamsEventsAsServerSentEvents() throws Exception {
        start(Duration.ofMinutes(5), 1000);
        SseClient c = new SseClient(ApiServer.READ, true);
        await().until(() -> server.services.events.subscribers.size() == 1);

        server.services.events.publish(new Event("host.down", Fakes.T0, null, "h1", null, null, "connection refused"));
        server.services.events.publish(Event.of("host.added", "second"));

        await().until(() -> c.text().contains("second"));
        assertThat(c.lines.get(0)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(c.text()).containsIgnoringCase("Content-Type: text/event-stream")
                .containsIgnoringCase("Cache-Control: no-cache");
        assertThat(c.text()).contains("retry: 3000\n: connected\n\n");
        assertThat(c.text()).contains("event: host.down\n"
                + "data: {\"type\":\"host.down\",\"time\":\"2026-01-02T03:04:05Z\",\"hostId\":\"h1\","
                + "\"message\":\"connection refused\"}\n\n");
        assertThat(c.text()).contains("\nevent: host.added\ndata: {\"type\":\"host.added\"");
    }

    @Test
    void sendsHeartbeatComments() throws Exception {
        start(Duration.ofMillis(50), 1000);
        SseClient c = new SseClient(ApiServer.ADMIN, true);

        await().until(() -> c.lines.stream().filter(": heartbeat"::equals).count() >= 2);
    }

    @Test
    void aClientThatGoesAwayIsUnsubscribed() throws Exception {
        start(Duration.ofMillis(50), 1000);
        SseClient c = new SseClient(ApiServer.ADMIN, true);
        await().until(() -> server.services.events.subscribers.size() == 1);
        assertThat(server.api.openEventStreams()).isEqualTo(1);

        c.close();

        await().until(() -> server.services.events.subscribers.isEmpty());
        await().until(() -> server.api.openEventStreams() == 0);
    }

    @Test
    void manyClientsEachGetEveryEvent() throws Exception {
        start(Duration.ofMinutes(5), 1000);
        List<SseClient> many = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(new SseClient(ApiServer.READ, true));
        }
        await().until(() -> server.services.events.subscribers.size() == 20);

        for (int i = 0; i < 50; i++) {
            server.services.events.publish(Event.of("test.tick", "n" + i));
        }

        await().until(() -> many.stream().allMatch(c -> c.text().contains("\"message\":\"n49\"")));
        for (SseClient c : many) {
            assertThat(c.lines.stream().filter(l -> l.equals("event: test.tick")).count()).isEqualTo(50);
        }
    }

    @Test
    void streamsHoldNoThread() throws Exception {
        server = new ApiServer(new RestSettings(Duration.ofHours(12), Duration.ofSeconds(60), Duration.ofMinutes(5),
                64 * 1024, 1000), 8);
        List<SseClient> many = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add(new SseClient(ApiServer.READ, true));
        }
        await().until(() -> server.services.events.subscribers.size() == 30);

        assertThat(server.get("/api/health", null).status).as("8 threads still serve requests").isEqualTo(200);
        server.services.events.publish(Event.of("test.tick", "all"));
        await().until(() -> many.stream().allMatch(c -> c.text().contains("\"message\":\"all\"")));
    }

    @Test
    void aClientThatFallsTooFarBehindIsDisconnected() throws Exception {
        start(Duration.ofMinutes(5), 10);
        SseClient c = new SseClient(ApiServer.ADMIN, false);
        await().until(() -> server.services.events.subscribers.size() == 1);
        String big = "x".repeat(1024 * 1024);

        for (int i = 0; i < 60 && !server.services.events.subscribers.isEmpty(); i++) {
            server.services.events.publish(Event.of("test.big", big));
        }

        await().until(() -> server.services.events.subscribers.isEmpty());
        await().until(() -> server.api.openEventStreams() == 0);
        c.close();
    }

    @Test
    void streamsEndWhenTheEventBusGoes() throws Exception {
        start(Duration.ofMinutes(5), 1000);
        SseClient c = new SseClient(ApiServer.ADMIN, true);
        await().until(() -> server.services.events.subscribers.size() == 1);

        server.api.closeEventStreams();

        await().until(c.eof::get);
        assertThat(server.services.events.subscribers).isEmpty();
    }

    @Test
    void headDoesNotOpenAStream() {
        start(Duration.ofMinutes(5), 1000);

        ApiServer.Res res = server.call("HEAD", "/api/events").bearer(ApiServer.READ).send();

        assertThat(res.status).isEqualTo(200);
        assertThat(res.contentType()).startsWith("text/event-stream");
        assertThat(server.api.openEventStreams()).isZero();
    }

    @Test
    void withoutAnEventBusTheStreamIs503() {
        start(Duration.ofMinutes(5), 1000);
        server.services.events = null;

        ApiServer.Res res = server.get("/api/events", ApiServer.ADMIN);

        assertThat(res.status).isEqualTo(503);
        assertThat(res.problemType()).isEqualTo("/problems/service-unavailable");
    }
}
