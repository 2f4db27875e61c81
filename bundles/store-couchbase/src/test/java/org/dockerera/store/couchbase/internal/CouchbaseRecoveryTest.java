package org.dockerera.store.couchbase.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.couchbase.client.core.error.CasMismatchException;
import org.dockerera.spi.store.CasConflictException;
import org.dockerera.spi.store.Change;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.Watch;
import org.dockerera.store.couchbase.internal.CouchbaseConfigStore.Step;
import org.dockerera.store.tck.RecordingListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What happens when a writer dies between the steps of a write (simulated by a write that stops after a given step,
 * as a killed process would), and when two store instances write the same bucket. Against CouchbaseMock.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CouchbaseRecoveryTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static CouchbaseMockProcess mock;
    private final List<CouchbaseConfigStore> stores = new ArrayList<>();
    private String namespace;

    @BeforeAll
    static void startMock() throws Exception {
        mock = CouchbaseMockProcess.start();
        CouchbaseConfigStoreTest.mock = mock;
    }

    @AfterAll
    static void stopMock() throws Exception {
        mock.close();
    }

    @BeforeEach
    void namespace() {
        namespace = CouchbaseConfigStoreTest.uniqueNamespace();
    }

    @AfterEach
    void closeStores() {
        stores.forEach(CouchbaseConfigStore::close);
    }

    private CouchbaseConfigStore open() {
        CouchbaseConfigStore s = CouchbaseConfigStoreTest.openReady(CouchbaseConfigStoreTest.testOptions(namespace));
        stores.add(s);
        return s;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static Codec.State state(CouchbaseConfigStore s, long revision) {
        Kv.Doc doc = s.kv().get(s.changeId(revision));
        return doc == null ? null : Codec.change(doc.bytes()).state();
    }

    @Test
    void aWriterThatDiesAfterTakingTheCounterLeavesANoOpAndWatchersMoveOnAfterTheGrace() {
        CouchbaseConfigStore store = open();
        RecordingListener listener = new RecordingListener();
        try (Watch watch = store.watch("", 0, listener)) {
            Entry a = store.put("a", bytes("1"), ConfigStore.ABSENT);
            store.writeUntil("b", bytes("lost"), Step.COUNTER);
            long hole = a.version() + 1;
            Entry c = store.put("c", bytes("1"), ConfigStore.ABSENT);

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(listener.revisions())
                    .containsExactly(a.version(), c.version()));
            assertThat(state(store, hole)).isEqualTo(Codec.State.NOOP);
            assertThat(store.revision()).isEqualTo(c.version());
            assertThat(store.get("b")).isEmpty();
            assertThat(store.changes("", 0, 10).changes()).extracting(Change::key).containsExactly("a", "c");
        }
    }

    @Test
    void aWriterThatDiesAfterItsIntentIsFencedSoItsLateDataWriteFailsAndTheRevisionIsANoOp() {
        CouchbaseConfigStore store = open();
        Entry v1 = store.put("k", bytes("v1"), ConfigStore.ABSENT);
        Kv.Doc before = store.kv().get(store.dataId("k"));
        store.writeUntil("k", bytes("v2"), Step.INTENT);
        long pending = v1.version() + 1;
        assertThat(state(store, pending)).isEqualTo(Codec.State.PENDING);
        RecordingListener listener = new RecordingListener();

        try (Watch watch = store.watch("", 0, listener)) {
            Entry v3 = store.put("other", bytes("x"), ConfigStore.ABSENT);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(listener.revisions())
                    .containsExactly(v1.version(), v3.version()));
        }
        assertThat(state(store, pending)).isEqualTo(Codec.State.NOOP);
        // the dead writer's step 4, arriving late with the CAS it read, can no longer land
        assertThatThrownBy(() -> store.kv().replace(store.dataId("k"), before.bytes(), before.cas()))
                .isInstanceOf(CasMismatchException.class);
        assertThat(store.get("k")).contains(v1);
        assertThat(store.put("k", bytes("v4"), v1.version()).valueAsString()).isEqualTo("v4");
    }

    @Test
    void aWriterThatDiesAfterItsDataWriteIsCommittedFromTheDataDocumentWithoutWaiting() {
        CouchbaseConfigStore store = open();
        CouchbaseConfigStore other = open();
        store.writeUntil("apps/web", bytes("v1"), Step.DATA);
        RecordingListener listener = new RecordingListener();

        // another process comes along: nothing to wait for, the data document proves the write happened
        assertThat(other.revision()).isEqualTo(1);
        assertThat(state(other, 1)).isEqualTo(Codec.State.COMMITTED);
        assertThat(other.list("apps/")).extracting(Entry::key).as("index entry restored").containsExactly("apps/web");
        try (Watch watch = other.watch("apps/", 0, listener)) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(listener.changes()).containsExactly(
                    new Change(1, "apps/web", Change.Type.PUT, bytes("v1"))));
        }
        assertThat(other.get("apps/web").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void aDeleteThatDiesAfterItsTombstoneIsCommittedByTheNextWriterOfThatKey() {
        CouchbaseConfigStore store = open();
        Entry v1 = store.put("k", bytes("v1"), ConfigStore.ABSENT);
        store.writeUntil("k", null, Step.DATA);
        long deleted = v1.version() + 1;

        assertThat(store.get("k")).isEmpty();
        assertThat(store.list("")).isEmpty();
        Entry again = store.put("k", bytes("v2"), ConfigStore.ABSENT);

        assertThat(state(store, deleted)).isEqualTo(Codec.State.COMMITTED);
        assertThat(again.createRevision()).isEqualTo(again.version()).isGreaterThan(deleted);
        assertThat(store.changes("k", 0, 10).changes()).extracting(Change::type)
                .containsExactly(Change.Type.PUT, Change.Type.DELETE, Change.Type.PUT);
        assertThat(store.list("")).containsExactly(again);
    }

    @Test
    void twoStoresOnOneBucketLoseNoUpdateAndShareOneOrderedFeed() throws Exception {
        CouchbaseConfigStore a = open();
        CouchbaseConfigStore b = open();
        a.put("counter", bytes("0"), ConfigStore.ABSENT);
        RecordingListener onA = new RecordingListener();
        RecordingListener onB = new RecordingListener();
        int perWriter = 30;
        List<CouchbaseConfigStore> writers = List.of(a, a, b, b);

        try (Watch wa = a.watch("", 0, onA); Watch wb = b.watch("", 0, onB)) {
            runConcurrently(writers.size(), w -> {
                ConfigStore s = writers.get(w);
                for (int i = 0; i < perWriter; i++) {
                    while (true) {
                        Entry cur = s.get("counter").orElseThrow();
                        try {
                            s.put("counter", bytes(Long.toString(Long.parseLong(cur.valueAsString()) + 1)),
                                    cur.version());
                            break;
                        } catch (CasConflictException e) {
                            assertThat(e.actual()).isGreaterThan(cur.version());
                        }
                    }
                    s.put("w" + w + "/" + i, bytes("x"), ConfigStore.ABSENT);
                }
                return null;
            });
            int total = writers.size() * perWriter;
            assertThat(a.get("counter").orElseThrow().valueAsString()).isEqualTo(Integer.toString(total));
            List<Change> feed = b.changes("", 0, 10_000).changes();
            assertThat(feed).hasSize(1 + 2 * total);
            assertThat(feed).extracting(Change::revision).isSorted().doesNotHaveDuplicates();
            assertThat(feed).filteredOn(c -> c.key().equals("counter"))
                    .extracting(c -> Long.parseLong(new String(c.value(), UTF_8)))
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(0, total).boxed().toList());
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(onA.changes()).isEqualTo(feed);
                assertThat(onB.changes()).isEqualTo(feed);
            });
            assertThat(a.revision()).isEqualTo(b.revision()).isEqualTo(feed.get(feed.size() - 1).revision());
            assertThat(a.list("w")).hasSize(total);
        }
    }

    @Test
    void aRevisionTakenByTheLoserOfACreateRaceIsANoOpNotAHole() throws Exception {
        CouchbaseConfigStore a = open();
        CouchbaseConfigStore b = open();
        for (int round = 0; round < 10; round++) {
            String key = "race/" + round;
            List<Boolean> won = runConcurrently(2, w -> {
                try {
                    (w == 0 ? a : b).put(key, bytes("by " + w), ConfigStore.ABSENT);
                    return true;
                } catch (CasConflictException e) {
                    return false;
                }
            });
            assertThat(won).containsExactlyInAnyOrder(true, false);
        }
        long counter = a.readCounter();
        // every revision the counter handed out is settled: committed, or a no-op from a lost race
        await().atMost(PATIENCE).until(() -> a.revision() == counter);
        assertThat(a.changes("race/", 0, 100).changes()).hasSize(10);
    }

    @FunctionalInterface
    interface Worker<T> {
        T run(int worker) throws Exception;
    }

    static <T> List<T> runConcurrently(int threads, Worker<T> worker) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int w = i;
                futures.add(pool.submit((Callable<T>) () -> {
                    start.await();
                    return worker.run(w);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
