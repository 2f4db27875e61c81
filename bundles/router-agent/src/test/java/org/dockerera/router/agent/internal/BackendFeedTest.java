package org.dockerera.router.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.dockerera.spi.router.RouterBackend;
import org.dockerera.spi.router.TlsCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The feed loop with a recording fleet and backend (pure logic: the wire is tested against the real REST API). */
class BackendFeedTest {
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    static class RecordingBackend implements RouterBackend {
        final List<Long> applied = new CopyOnWriteArrayList<>();
        volatile long served;

        @Override
        public String type() {
            return "builtin";
        }

        @Override
        public String url() {
            return "http://127.0.0.1:18080";
        }

        @Override
        public void apply(RouteTable table) {
            applied.add(table.epoch());
            served = Math.max(served, table.epoch());
        }

        @Override
        public long servedEpoch() {
            return served;
        }

        @Override
        public Health health() {
            return new Health(true, "ok");
        }

        @Override
        public Map<String, AppStats> stats() {
            return Map.of();
        }
    }

    static final class RecordingFleet implements Fleet {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final AtomicInteger registrations = new AtomicInteger();
        final AtomicBoolean forget = new AtomicBoolean();
        final AtomicBoolean unreachable = new AtomicBoolean();
        volatile Consumer<RouteTable> onTable;
        volatile Consumer<Throwable> onBroken;

        @Override
        public Lease register(String type, String url) {
            if (unreachable.get()) {
                throw new IllegalStateException("connection refused");
            }
            String id = "r-" + registrations.incrementAndGet();
            calls.add("register " + type + " " + url + " -> " + id);
            return new Lease(id, 900);
        }

        @Override
        public Lease ack(String id, long epoch, Map<String, RouterBackend.AppStats> stats) {
            if (forget.getAndSet(false)) {
                throw new NotRegistered(id);
            }
            calls.add("ack " + id + " " + epoch);
            return new Lease(id, 900);
        }

        @Override
        public void leave(String id) {
            calls.add("leave " + id);
        }

        final Map<String, TlsCertificate> certificates = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public TlsCertificate certificate(String host) {
            calls.add("certificate " + host);
            TlsCertificate c = certificates.get(host);
            if (c == null) {
                throw new IllegalStateException("404 certificate-not-found");
            }
            return c;
        }

        @Override
        public AutoCloseable follow(long lastEpoch, Consumer<RouteTable> tables, Consumer<Throwable> broken) {
            if (unreachable.get()) {
                throw new IllegalStateException("connection refused");
            }
            calls.add("follow after " + lastEpoch);
            onTable = tables;
            onBroken = broken;
            return () -> calls.add("unfollow");
        }

        void publish(long epoch) {
            onTable.accept(new RouteTable(epoch, List.of(new Route("a.test", "a.test", List.of("127.0.0.2:1")))));
        }
    }

    @Test
    void registersAppliesEveryNewerEpochAcksItAndLeavesOnClose() {
        RecordingBackend backend = new RecordingBackend();
        RecordingFleet fleet = new RecordingFleet();
        BackendFeed feed = new BackendFeed(backend, fleet, timer, Duration.ofMillis(20));
        feed.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.onTable != null);
        fleet.publish(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.served == 3);
        fleet.publish(2); // older: not applied, the served epoch is acknowledged again
        fleet.publish(4);
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.calls.contains("ack r-1 4"));
        assertThat(backend.applied).containsExactly(3L, 4L);
        assertThat(fleet.calls).containsSubsequence("register builtin http://127.0.0.1:18080 -> r-1",
                "follow after 0", "ack r-1 3", "ack r-1 4");
        feed.close();
        assertThat(fleet.calls).endsWith("unfollow", "leave r-1");
    }

    @Test
    void renewsTheLeaseWhileIdleAndRegistersAgainWhenForgotten() {
        RecordingBackend backend = new RecordingBackend();
        RecordingFleet fleet = new RecordingFleet();
        BackendFeed feed = new BackendFeed(backend, fleet, timer, Duration.ofMillis(20));
        feed.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.onTable != null);
        fleet.publish(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.calls.stream().filter("ack r-1 1"::equals).count() >= 3);
        fleet.forget.set(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.registrations.get() == 2 && "r-2".equals(feed.id()));
        feed.close();
    }

    @Test
    void aBrokenFeedOrAnUnreachableControllerKeepsTheLastTableAndIsRetried() {
        RecordingBackend backend = new RecordingBackend();
        RecordingFleet fleet = new RecordingFleet();
        BackendFeed feed = new BackendFeed(backend, fleet, timer, Duration.ofMillis(20));
        feed.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.onTable != null);
        fleet.publish(5);
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.servedEpoch() == 5);
        fleet.unreachable.set(true);
        fleet.onBroken.accept(new IllegalStateException("connection reset"));
        assertThat(backend.servedEpoch()).isEqualTo(5);
        fleet.unreachable.set(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.calls.contains("follow after 5"));
        feed.close();
    }

    @Test
    void tablesParseFromTheSseData() {
        RouteTable t = RemoteFleet.parse("{\"epoch\":7,\"routes\":[{\"host\":\"a.test\",\"app\":\"a.test\","
                + "\"backends\":[\"127.0.0.2:32768\",\"127.0.0.3:32769\"]},{\"host\":\"b.test\",\"app\":\"b.test\","
                + "\"backends\":[]}],\"extra\":1}");
        assertThat(t).isEqualTo(new RouteTable(7, List.of(
                new Route("a.test", "a.test", List.of("127.0.0.2:32768", "127.0.0.3:32769")),
                new Route("b.test", "b.test", List.of()))));
    }

    @Test
    void aTlsBackendGetsEachCertificateFetchedOncePerFingerprint() {
        List<Map<String, TlsCertificate>> given = new CopyOnWriteArrayList<>();
        RecordingBackend backend = new RecordingBackend() {
            @Override
            public boolean terminatesTls() {
                return true;
            }

            @Override
            public void apply(RouteTable table, Map<String, TlsCertificate> certificates) {
                given.add(certificates);
                apply(table);
            }
        };
        RecordingFleet fleet = new RecordingFleet();
        TlsCertificate v1 = new TlsCertificate("a.test", "f1", "CHAIN1", "KEY1");
        TlsCertificate v2 = new TlsCertificate("a.test", "f2", "CHAIN2", "KEY2");
        fleet.certificates.put("a.test", v1);
        BackendFeed feed = new BackendFeed(backend, fleet, timer, Duration.ofMillis(20));
        feed.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.onTable != null);
        Route plain = new Route("b.test", "b.test", List.of("127.0.0.2:2"));
        applied(fleet, backend, new RouteTable(1, List.of(new Route("a.test", "a.test", List.of("127.0.0.2:1"), "f1",
                true), plain)));
        applied(fleet, backend, new RouteTable(2, List.of(new Route("a.test", "a.test", List.of("127.0.0.2:3"), "f1",
                true), plain)));
        fleet.certificates.put("a.test", v2);
        applied(fleet, backend, new RouteTable(3, List.of(new Route("a.test", "a.test", List.of("127.0.0.2:3"), "f2",
                true), plain)));
        fleet.certificates.remove("a.test");
        applied(fleet, backend, new RouteTable(4, List.of(new Route("a.test", "a.test", List.of("127.0.0.2:3"), "f3",
                true), plain)));
        assertThat(given).containsExactly(Map.of("a.test", v1), Map.of("a.test", v1), Map.of("a.test", v2), Map.of());
        assertThat(fleet.calls.stream().filter(c -> c.startsWith("certificate")).count()).isEqualTo(3);
        assertThat(backend.applied).containsExactly(1L, 2L, 3L, 4L);
        feed.close();
    }

    @Test
    void tlsFieldsParseFromTheSseData() {
        RouteTable t = RemoteFleet.parse("{\"epoch\":8,\"routes\":[{\"host\":\"a.test\",\"app\":\"a.test\","
                + "\"backends\":[],\"tls\":\"ab12\",\"httpsRedirect\":true},{\"host\":\"b.test\",\"app\":\"b.test\","
                + "\"backends\":[],\"tls\":null,\"httpsRedirect\":false}]}");
        assertThat(t.routes()).containsExactly(new Route("a.test", "a.test", List.of(), "ab12", true),
                new Route("b.test", "b.test", List.of()));
    }

    private static void applied(RecordingFleet fleet, RecordingBackend backend, RouteTable t) {
        fleet.onTable.accept(t);
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.servedEpoch() == t.epoch());
    }

    @Test
    void aSlowRouterNeitherHoldsTheFeedNorFallsBehindMoreThanOneTable() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        RecordingBackend backend = new RecordingBackend() {
            @Override
            public void apply(RouteTable table) {
                entered.countDown();
                try {
                    release.await(); // an httpd reload that takes its time
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.apply(table);
            }
        };
        RecordingFleet fleet = new RecordingFleet();
        BackendFeed feed = new BackendFeed(backend, fleet, timer, Duration.ofMillis(20));
        feed.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.onTable != null);
        fleet.publish(1);
        assertThat(entered.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // the publishing thread is not held while the router applies epoch 1
        fleet.publish(2);
        fleet.publish(3);
        assertThat(backend.applied).isEmpty();
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.calls.contains("ack r-1 3"));
        assertThat(backend.applied).containsExactly(1L, 3L); // 2 was superseded while 1 was being applied
        feed.close();
    }
}
