package org.dockerera.controller.internal.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.dockerera.api.HealthCheck;
import org.dockerera.api.InstanceState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The prober against a real HTTP server on loopback. */
class HealthProberTest {
    private final List<String> changes = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;
    private HealthProber prober;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
        prober = new HealthProber((app, id, state, detail) -> changes.add(id + " " + state));
    }

    @AfterEach
    void stop() {
        prober.close();
        server.stop(0);
    }

    private String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void aNewInstanceTurnsHealthyThenUnhealthyAfterTheThresholdsAndHealthyAgain() {
        prober.watch("a", "i1", address(), new HealthCheck("/health", 50, 500, 2, 3, 20, 5000),
                InstanceState.STARTING);
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.contains("i1 healthy"));
        assertThat(requests.get()).as("two successes in a row").isGreaterThanOrEqualTo(2);
        status.set(503);
        int before = requests.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.contains("i1 unhealthy"));
        assertThat(requests.get() - before).as("three failures in a row").isGreaterThanOrEqualTo(3);
        assertThat(prober.status("i1").state()).isEqualTo(InstanceState.UNHEALTHY);
        assertThat(prober.status("i1").detail()).contains("503");
        status.set(302);
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 3);
        assertThat(changes).containsExactly("i1 healthy", "i1 unhealthy", "i1 healthy");
    }

    @Test
    void aRefusedConnectionIsAFailureAndAWatchStartsFromTheRecordedState() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        prober.watch("a", "i2", "127.0.0.1:" + closedPort, new HealthCheck("/health", 50, 200, 1, 2, 20, 5000),
                InstanceState.HEALTHY);
        assertThat(prober.status("i2").state()).as("kept until the probes say otherwise")
                .isEqualTo(InstanceState.HEALTHY);
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.contains("i2 unhealthy"));
        assertThat(prober.status("i2").detail()).containsIgnoringCase("connect");
    }

    @Test
    void aForgottenInstanceIsNoLongerProbed() {
        prober.watch("a", "i3", address(), new HealthCheck("/health", 20, 200, 1, 1, 20, 5000),
                InstanceState.STARTING);
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.contains("i3 healthy"));
        prober.forget("i3");
        int after = requests.get();
        status.set(500);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> requests.get() <= after + 1);
        assertThat(prober.status("i3")).isNull();
        assertThat(changes).containsExactly("i3 healthy");
    }
}
