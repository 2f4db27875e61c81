package org.dockerera.store.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.dockerera.spi.store.Change;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.StoreHealth;
import org.dockerera.spi.store.StoreUnavailableException;
import org.dockerera.spi.store.Watch;
import org.dockerera.store.tck.RecordingListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the contract cannot say about Redis: crashes of redis-server (kill -9) in the middle of writes and under a
 * watch, a hung server, credentials kept out of health, listing many keys in order.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisCrashTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static RedisServer server;
    private static int prefixes;
    private final List<RedisConfigStore> stores = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = RedisServer.start(dir.resolve("redis"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.kill();
        }
    }

    @AfterEach
    void closeStores() throws Exception {
        stores.forEach(RedisConfigStore::close);
        server.start();
    }

    private RedisOptions options() {
        return RedisOptions.of(server.host(), server.port(), "crash" + (++prefixes) + ":", 100_000);
    }

    private RedisConfigStore open(RedisOptions options) {
        RedisConfigStore s = new RedisConfigStore(options);
        stores.add(s);
        return s;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void killMinus9DuringAWriteBurstLosesNoAcknowledgedWrite() throws Exception {
        RedisOptions options = options();
        RedisConfigStore store = open(options);
        Map<String, Entry> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        int writers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String key = "burst/" + writer + "/" + i;
                    try {
                        acknowledged.put(key, store.put(key, bytes("v" + i), ConfigStore.ABSENT));
                    } catch (StoreUnavailableException e) {
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        try {
            await().atMost(PATIENCE).until(() -> acknowledged.size() >= 300);
            server.kill();
            await().atMost(PATIENCE).until(() -> refused.get() >= writers);
        } finally {
            stop.set(true);
            pool.shutdown();
            for (Future<?> f : futures) {
                f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
        }
        server.start();

        RedisConfigStore again = open(options);
        Map<String, Entry> stored = new ConcurrentHashMap<>();
        again.list("burst/").forEach(e -> stored.put(e.key(), e));
        assertThat(acknowledged).isNotEmpty();
        acknowledged.forEach((key, entry) -> assertThat(stored.get(key)).as(key).isEqualTo(entry));
        long newest = acknowledged.values().stream().mapToLong(Entry::version).max().orElseThrow();
        assertThat(again.revision()).isGreaterThanOrEqualTo(newest);
        // the feed holds exactly the writes that are in the data: nothing acknowledged is missing from it either
        List<Change> feed = again.changes("burst/", 0, 100_000).changes();
        assertThat(feed).extracting(Change::key).containsExactlyInAnyOrderElementsOf(stored.keySet());
        assertThat(feed).extracting(Change::revision).isSorted().doesNotHaveDuplicates();
        // at most one write per writer was in flight when Redis died: it may or may not have been applied
        assertThat(stored.size() - acknowledged.size()).isBetween(0, writers);
    }

    @Test
    void aWatchResumesAfterARedisCrashWithoutLosingOrRepeatingChanges() throws Exception {
        RedisConfigStore store = open(options());
        RecordingListener listener = new RecordingListener();
        try (Watch watch = store.watch("w/", 0, listener)) {
            for (int i = 0; i < 50; i++) {
                store.put("w/" + i, bytes("before"), ConfigStore.ANY_VERSION);
                store.put("other/" + i, bytes("x"), ConfigStore.ANY_VERSION);
            }
            await().atMost(PATIENCE).until(() -> listener.changes().size() == 50);

            server.crashAndRestart();
            // the writes right after the crash may meet a dead pooled connection: retry until Redis takes them
            for (int i = 50; i < 100; i++) {
                String key = "w/" + i;
                await().atMost(PATIENCE).ignoreException(StoreUnavailableException.class)
                        .until(() -> Optional.of(store.put(key, bytes("after"), ConfigStore.ANY_VERSION)),
                                Optional::isPresent);
            }
            store.delete("w/0", ConfigStore.ANY_VERSION);

            List<Long> feed = store.changes("w/", 0, 1000).changes().stream().map(Change::revision).toList();
            assertThat(feed).hasSize(101);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(listener.revisions()).isEqualTo(feed));
        }
        assertThat(listener.revisions()).isSorted().doesNotHaveDuplicates();
        assertThat(listener.keys().subList(0, 100)).doesNotHaveDuplicates();
        assertThat(listener.changes().get(100).type()).isEqualTo(Change.Type.DELETE);
        assertThat(listener.errors()).isNotEmpty();
        assertThat(listener.resyncs()).isEmpty();
    }

    @Test
    void aWatchStartedWhileRedisIsDownDeliversOnceItIsBack() throws Exception {
        RedisConfigStore store = open(options());
        Entry before = store.put("k", bytes("1"), ConfigStore.ANY_VERSION);
        server.kill();
        RecordingListener listener = new RecordingListener();
        try (Watch watch = store.watch("", 0, listener)) {
            await().atMost(PATIENCE).until(() -> !listener.errors().isEmpty());
            assertThat(listener.errors().get(0)).isInstanceOf(StoreUnavailableException.class);
            server.start();
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(listener.revisions())
                    .containsExactly(before.version()));
        }
    }

    @Test
    void aHungServerFailsCallsWithStoreUnavailable() throws Exception {
        // accepts connections (the kernel does) and never answers: like a stopped or partitioned Redis
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RedisOptions o = new RedisOptions("127.0.0.1", silent.getLocalPort(), 0, null, null, false, null, null,
                    null, true, "hung:", 100, 300, 300, 2);
            RedisConfigStore store = open(o);

            assertThatThrownBy(() -> store.get("k")).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.put("k", bytes("v"), ConfigStore.ANY_VERSION))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThat(store.health().up()).isFalse();
        }
    }

    @Test
    void healthNamesTheEndpointButNeverThePassword() {
        RedisOptions o = options();
        RedisOptions withPassword = new RedisOptions(o.host(), o.port(), 0, null, "s3cret-pw", false, null, null, null,
                true, o.keyPrefix(), 100, 1000, 1000, 2);
        RedisConfigStore store = open(withPassword);

        StoreHealth health = store.health(); // this server has no password: AUTH is refused
        assertThat(health.up()).isFalse();
        assertThat(health.backend()).isEqualTo("redis");
        assertThat(health.endpoint()).isEqualTo("redis://127.0.0.1:" + server.port() + "/0");
        assertThat(health.toString()).doesNotContain("s3cret-pw");
        assertThatThrownBy(() -> store.get("k")).isInstanceOf(StoreUnavailableException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-pw"));

        StoreHealth up = open(o).health();
        assertThat(up.up()).isTrue();
        assertThat(up.revision()).isZero();
        assertThat(up.detail()).isNull();
    }

    @Test
    void listingThousandsOfKeysReturnsThemInKeyOrder() {
        RedisConfigStore store = open(options());
        List<Integer> order = new ArrayList<>(IntStream.range(0, 2000).boxed().toList());
        Collections.shuffle(order, new java.util.Random(7));
        for (int i : order) {
            store.put(String.format("many/%05d", i), bytes(Integer.toString(i)), ConfigStore.ABSENT);
        }
        store.put("manz", bytes("x"), ConfigStore.ABSENT);
        store.delete("many/01000", ConfigStore.ANY_VERSION);

        List<Entry> listed = store.list("many/");
        assertThat(listed).hasSize(1999);
        assertThat(listed).extracting(Entry::key).isSorted().doesNotContain("many/01000");
        assertThat(listed.get(1234).valueAsString()).isEqualTo(listed.get(1234).key().substring(5).replaceFirst("^0+", ""));
        assertThat(store.list("")).hasSize(2000);
    }
}
