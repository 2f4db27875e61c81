package org.dockerera.provider.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.dockerera.api.DockereraException;
import org.dockerera.provider.docker.internal.FakeDaemon.Answer;
import org.dockerera.provider.docker.internal.FakeDaemon.Hang;
import org.dockerera.provider.docker.internal.FakeDaemon.Stream;
import org.dockerera.spi.provider.ContainerEvent;
import org.dockerera.spi.provider.ContainerSpec;
import org.dockerera.spi.provider.EngineInfo;
import org.dockerera.spi.provider.HostConnection;
import org.dockerera.spi.provider.HostEndpoint;
import org.dockerera.spi.provider.ProviderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounded-call and stream behaviour of a host connection, against stand-in daemons that misbehave on cue. */
class DockerHostConnectionTest {

    private static final Duration CALL = Duration.ofMillis(600);
    /** How late a failed call may come back on a busy 2-core machine; a hang would be unbounded. */
    private static final long MARGIN_MS = 750;
    private static final String INFO = """
            {"ID":"ENGINE:ID","Name":"host-a","ServerVersion":"20.10.24","NCPU":2,"MemTotal":25000000000,
             "ContainersRunning":1,"Containers":3,"Labels":[]}""";
    private static final String VERSION = """
            {"Version":"20.10.24","ApiVersion":"1.41","MinAPIVersion":"1.12"}""";
    private static final String DIE_EVENT = """
            {"status":"die","id":"c1","from":"img","Type":"container","Action":"die",\
            "Actor":{"ID":"c1","Attributes":{"exitCode":"0","name":"web-1"}},"time":1700000000,"timeNano":1700000000123456789}""";

    private final DockerProvider provider = new DockerProvider();
    private final List<AutoCloseable> cleanup = new CopyOnWriteArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private FakeDaemon daemon(FakeDaemon d) {
        cleanup.add(d);
        return d;
    }

    /** A connection whose calls time out after {@link #CALL}: for the tests about that timeout. */
    private HostConnection connect(String url) {
        return connect(url, CALL);
    }

    /**
     * A connection with a call timeout no busy machine reaches: for tests about what an answer becomes (a 600 ms
     * deadline failed one of them in CI on a loaded 2-core machine, turning an engine error into "no answer").
     */
    private HostConnection connectPatiently(String url) {
        return connect(url, Duration.ofSeconds(15));
    }

    private HostConnection connect(String url, Duration call) {
        HostConnection c = provider.connect(new HostEndpoint(url, null, Duration.ofMillis(500), call, Duration.ofSeconds(5)));
        cleanup.add(0, c);
        return c;
    }

    private static FakeDaemon.Reply healthy(FakeDaemon.Request r) {
        if (r.path().startsWith("/info")) {
            return new Answer(200, INFO);
        }
        if (r.path().startsWith("/version")) {
            return new Answer(200, VERSION);
        }
        return new Answer(404, "{\"message\":\"page not found\"}");
    }

    @Test
    void infoCombinesInfoAndVersion() throws IOException {
        FakeDaemon d = daemon(FakeDaemon.tcp(DockerHostConnectionTest::healthy));

        EngineInfo info = connectPatiently(d.url()).info();

        assertThat(info).isEqualTo(new EngineInfo("ENGINE:ID", "host-a", "20.10.24", "1.41", 2, 25_000_000_000L, 1, 3));
    }

    @Test
    void statsAreWhatDockerStatsShowsAndNullForAStoppedContainer() throws IOException {
        String running = """
                {"read":"2026-12-04T15:37:35.083144641Z","preread":"2026-12-04T15:37:34.072586298Z",
                 "cpu_stats":{"cpu_usage":{"total_usage":1100000000,"percpu_usage":[1,2]},
                              "system_cpu_usage":32322550000000,"online_cpus":2},
                 "precpu_stats":{"cpu_usage":{"total_usage":1000000000,"percpu_usage":[1,2]},
                              "system_cpu_usage":32320550000000,"online_cpus":2},
                 "memory_stats":{"usage":10485760,"limit":268435456,"stats":{"total_inactive_file":1048576}}}""";
        String stopped = """
                {"read":"0001-01-01T00:00:00Z","preread":"0001-01-01T00:00:00Z","cpu_stats":{"cpu_usage":{}},
                 "precpu_stats":{"cpu_usage":{}},"memory_stats":{}}""";
        FakeDaemon d = daemon(FakeDaemon.tcp(r -> r.path().contains("/containers/c1/stats")
                ? new Answer(200, running) : r.path().contains("/containers/c2/stats") ? new Answer(200, stopped)
                : new Answer(404, "{\"message\":\"No such container: c3\"}")));
        HostConnection c = connectPatiently(d.url());

        org.dockerera.spi.provider.ContainerStats stats = c.stats("c1");

        // 0.1 s of CPU over 2 s of two CPUs' time: 5 % of both, 10 % of one CPU, as docker stats shows it
        assertThat(stats.cpuPercent()).isEqualTo(10.0);
        assertThat(stats.memoryBytes()).isEqualTo(9437184);
        assertThat(stats.memoryLimitBytes()).isEqualTo(268435456);
        assertThat(d.requests()).anySatisfy(r -> assertThat(r.path()).contains("stream=0"));
        assertThat(c.stats("c2")).isNull();
        assertThat(catchThrowableOfType(ProviderException.class, () -> c.stats("c3")).slug())
                .isEqualTo("not-found-on-host");
    }

    @Test
    void aHungTcpDaemonFailsTheCallWithinTheCallTimeoutAndItsSocketIsClosed() throws IOException {
        FakeDaemon d = daemon(FakeDaemon.tcp(r -> new Hang()));
        HostConnection c = connect(d.url());

        long start = System.nanoTime();
        ProviderException e = catchThrowableOfType(ProviderException.class, c::info);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(tookMs).isBetween(CALL.toMillis() - 50, CALL.toMillis() + MARGIN_MS);
        assertThat(e.slug()).isEqualTo("host-unreachable");
        assertThat(e.kind()).isEqualTo(DockereraException.Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains(d.url()).contains("600 ms");
        // the aborted request closed its connection: the worker is not left blocked on the socket
        await().atMost(Duration.ofSeconds(2)).until(() -> d.clientCloses() >= 1);
    }

    @Test
    void aHungUnixDaemonFailsTheCallWithinTheCallTimeoutAndItsSocketIsClosed() throws IOException {
        FakeDaemon d = daemon(FakeDaemon.unix(tmp, r -> new Hang()));
        HostConnection c = connect(d.url());

        long start = System.nanoTime();
        assertThatThrownBy(c::info).isInstanceOf(ProviderException.class).hasMessageContaining(d.url());
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(tookMs).isBetween(CALL.toMillis() - 50, CALL.toMillis() + MARGIN_MS);
        await().atMost(Duration.ofSeconds(2)).until(() -> d.clientCloses() >= 1);
    }

    @Test
    void aHungHostDoesNotDelayCallsToAnotherHost() throws Exception {
        FakeDaemon hung = daemon(FakeDaemon.tcp(r -> new Hang()));
        FakeDaemon fine = daemon(FakeDaemon.unix(tmp, DockerHostConnectionTest::healthy));
        HostConnection stuck = provider.connect(new HostEndpoint(hung.url(), null, null, Duration.ofSeconds(3), null));
        cleanup.add(0, stuck);
        HostConnection other = provider.connect(new HostEndpoint(fine.url(), null, null, Duration.ofSeconds(3), null));
        cleanup.add(0, other);

        CompletableFuture<Object> hanging = CompletableFuture.supplyAsync(() -> {
            try {
                return stuck.info();
            } catch (ProviderException e) {
                return e;
            }
        });
        await().atMost(Duration.ofSeconds(1)).until(() -> !hung.requests().isEmpty());

        long start = System.nanoTime();
        assertThat(other.info().engineId()).isEqualTo("ENGINE:ID");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
        assertThat(hanging.isDone()).isFalse();
        assertThat(hanging.get(4, TimeUnit.SECONDS)).isInstanceOf(ProviderException.class);
    }

    @Test
    void manyCallsToAHungHostAllEndByTheirDeadlines() throws Exception {
        FakeDaemon hung = daemon(FakeDaemon.tcp(r -> new Hang()));
        HostConnection c = provider.connect(new HostEndpoint(hung.url(), null, null, CALL, null));
        cleanup.add(0, c);

        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(12);
        cleanup.add(callers::shutdownNow);
        List<CompletableFuture<Long>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) { // more than the 8 workers: the queued ones share the same deadline
            calls.add(CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                try {
                    c.containers(Map.of(), true);
                } catch (ProviderException expected) {
                    // the point
                }
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            }, callers));
        }
        for (CompletableFuture<Long> f : calls) {
            assertThat(f.get(3, TimeUnit.SECONDS)).isLessThan(CALL.toMillis() + MARGIN_MS);
        }
    }

    @Test
    void aClosedPortIsReportedAsRefusedAtOnce() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HostConnection c = connect("tcp://127.0.0.1:" + port);

        long start = System.nanoTime();
        assertThatThrownBy(c::info)
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("tcp://127.0.0.1:" + port)
                .hasMessageContaining("connection refused");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(CALL.toMillis());
    }

    @Test
    void aMissingUnixSocketIsReportedAsUnreachable() {
        HostConnection c = connect("unix://" + tmp.resolve("nobody.sock"));

        assertThatThrownBy(c::info)
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining(tmp.resolve("nobody.sock").toString())
                .satisfies(e -> assertThat(((ProviderException) e).slug()).isEqualTo("host-unreachable"));
    }

    @Test
    void engineErrorsBecomeNotFoundOrRefusedWithTheEnginesMessage() throws IOException {
        FakeDaemon d = daemon(FakeDaemon.tcp(r -> {
            if (r.path().contains("/containers/gone/")) {
                return new Answer(404, "{\"message\":\"No such container: gone\"}");
            }
            if (r.path().contains("/containers/create")) {
                return new Answer(409, "{\"message\":\"Conflict. The container name \\\"/web\\\" is already in use\"}");
            }
            if (r.path().contains("/containers/stopped/stop") || r.path().contains("/containers/running/start")) {
                return new Answer(304, "");
            }
            return new Answer(204, "");
        }));
        HostConnection c = connectPatiently(d.url());

        assertThatThrownBy(() -> c.start("gone"))
                .isInstanceOf(ProviderException.class)
                .hasMessage("container gone not found on host " + d.url());
        assertThatThrownBy(() -> c.create(new ContainerSpec("web", "img:1", null, null, null, null, null, null, null, null)))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("refused")
                .hasMessageContaining("is already in use");
        // removing what is gone, stopping what is stopped and starting what runs are not errors
        c.remove("gone", true);
        c.stop("stopped", Duration.ofSeconds(1));
        c.start("running");
        assertThat(d.requests()).extracting(FakeDaemon.Request::path)
                .anyMatch(p -> p.startsWith("/containers/gone?") && p.contains("force=true") && p.contains("v=true"))
                .anyMatch(p -> p.equals("/containers/stopped/stop?t=1"));
    }

    @Test
    void invalidSpecsAreRejectedBeforeAnyCall() throws IOException {
        FakeDaemon d = daemon(FakeDaemon.tcp(DockerHostConnectionTest::healthy));
        HostConnection c = connectPatiently(d.url());

        assertThatThrownBy(() -> c.create(new ContainerSpec(null, "img", null, null, null, null, null, null, null, "sometimes")))
                .isInstanceOf(DockereraException.class).hasMessageContaining("restart policy 'sometimes'");
        assertThatThrownBy(() -> c.create(new ContainerSpec(null, "img", null, null, null, 70000, null, null, null, null)))
                .isInstanceOf(DockereraException.class).hasMessageContaining("70000");
        assertThatThrownBy(() -> c.create(new ContainerSpec(null, "img", null, null, null, null, null, null, 0.0, null)))
                .isInstanceOf(DockereraException.class).hasMessageContaining("cpus");
        assertThatThrownBy(() -> c.pull("bad image", null))
                .isInstanceOf(DockereraException.class).hasMessageContaining("bad image");
        assertThat(d.requests()).isEmpty();
    }

    @Test
    void anEventStreamDeliversContainerEventsAndReportsItsBreakOnce() throws IOException {
        FakeDaemon d = daemon(FakeDaemon.tcp(r -> r.path().startsWith("/events")
                ? new Stream(List.of(DIE_EVENT), 300) : new Answer(404, "{}")));
        HostConnection c = connectPatiently(d.url());
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();

        c.events(events::add, errors::add);

        await().atMost(Duration.ofSeconds(3)).until(() -> !errors.isEmpty());
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.containerId()).isEqualTo("c1");
            assertThat(e.action()).isEqualTo("die");
            assertThat(e.attributes()).containsEntry("exitCode", "0").containsEntry("name", "web-1");
            assertThat(e.time()).isEqualTo(java.time.Instant.ofEpochSecond(1700000000L, 123456789L));
        });
        assertThat(errors).singleElement().isInstanceOf(ProviderException.class)
                .extracting(Throwable::getMessage).asString().contains(d.url());
        assertThat(d.requests()).singleElement().extracting(FakeDaemon.Request::path).asString()
                .startsWith("/events?filters=").contains("container");
    }

    @Test
    void anEventStreamOutlivesTheCallTimeoutAndClosingItReportsNoError() throws Exception {
        FakeDaemon d = daemon(FakeDaemon.tcp(r -> r.path().startsWith("/events")
                ? new Stream(List.of(DIE_EVENT), -1) : new Answer(404, "{}")));
        HostConnection c = connect(d.url());
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();

        AutoCloseable subscription = c.events(events::add, errors::add);
        await().atMost(Duration.ofSeconds(2)).until(() -> events.size() == 1);
        // silent for longer than a call may take: a stream is not a call
        await().during(CALL.multipliedBy(2)).atMost(CALL.multipliedBy(3)).until(errors::isEmpty);

        subscription.close();
        await().atMost(Duration.ofSeconds(2)).until(() -> d.clientCloses() == 1);
        assertThat(errors).isEmpty();
    }

    @Test
    void anEventStreamThatNeverStartsFailsAfterTheCallTimeout() throws IOException {
        FakeDaemon d = daemon(FakeDaemon.tcp(r -> new Hang()));
        HostConnection c = connect(d.url());
        List<Throwable> errors = new CopyOnWriteArrayList<>();

        c.events(e -> { }, errors::add);

        await().atMost(CALL.plusMillis(500)).until(() -> !errors.isEmpty());
        assertThat(errors).singleElement().extracting(Throwable::getMessage).asString()
                .contains(d.url()).contains("event stream");
        await().atMost(Duration.ofSeconds(2)).until(() -> d.clientCloses() == 1);
    }

    @Test
    void closingTheConnectionEndsCallsInFlightAtOnce() throws Exception {
        FakeDaemon hung = daemon(FakeDaemon.tcp(r -> new Hang()));
        HostConnection c = provider.connect(new HostEndpoint(hung.url(), null, null, Duration.ofSeconds(30), null));
        CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> {
            try {
                c.info();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        await().atMost(Duration.ofSeconds(2)).until(() -> !hung.requests().isEmpty());

        c.close();

        assertThat(call.get(2, TimeUnit.SECONDS)).isInstanceOf(ProviderException.class)
                .hasMessageContaining(hung.url());
        await().atMost(Duration.ofSeconds(2)).until(() -> hung.clientCloses() == 1);
    }

    @Test
    void closingTheConnectionEndsItsStreamsAndLaterCallsFail() throws Exception {
        FakeDaemon d = daemon(FakeDaemon.tcp(r -> r.path().startsWith("/events")
                ? new Stream(List.of(), -1) : healthy(r)));
        HostConnection c = connect(d.url());
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        c.events(e -> { }, errors::add);
        await().atMost(Duration.ofSeconds(2)).until(() -> d.requests().size() == 1);

        c.close();

        await().atMost(Duration.ofSeconds(2)).until(() -> d.clientCloses() == 1);
        assertThat(errors).isEmpty();
        assertThat(provider.openConnections()).isZero();
        assertThatThrownBy(c::info).isInstanceOf(ProviderException.class).hasMessageContaining("closed");
    }
}
