package org.dockerera.store.tck;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.dockerera.spi.store.CasConflictException;
import org.dockerera.spi.store.Change;
import org.dockerera.spi.store.ChangeBatch;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.HistoryGoneException;
import org.dockerera.spi.store.StoreHealth;
import org.dockerera.spi.store.StoreUnavailableException;
import org.dockerera.spi.store.Watch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link ConfigStore} contract. Every backend's test class extends this and implements {@link #open}; the
 * optional hooks ({@link #restart}, {@link #makeUnavailable}/{@link #makeAvailable}, {@link #trimHistory}) unlock the
 * durability, outage and history tests. A hook a backend cannot provide keeps its default, which aborts the tests
 * that need it (reported as skipped, never silently passed).
 *
 * <pre>{@code
 * class RedisConfigStoreTest extends ConfigStoreContract {
 *     protected ConfigStore open(Settings s) { return new RedisConfigStore(server.uri(), uniqueNamespace(), s.historyRetention()); }
 *     protected ConfigStore restart(ConfigStore s) { close(s); server.restart(); return open-on-same-namespace; }
 *     protected void makeUnavailable(ConfigStore s) { server.stop(); }
 *     protected void makeAvailable(ConfigStore s) { server.start(); }
 * }
 * }</pre>
 *
 * Each test names the behaviour it proves. Nothing here sleeps: asynchronous outcomes are awaited with Awaitility.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ConfigStoreContract {

    /**
     * What a test asks of a new store.
     *
     * @param historyRetention the number of most recent changes the feed must keep; older ones may be dropped
     */
    public record Settings(int historyRetention) {
        /** Plenty of history: no test with these settings runs into {@link HistoryGoneException}. */
        public static final Settings DEFAULT = new Settings(100_000);
    }

    /** How long asynchronous deliveries (watches, recovery) may take before a test fails. */
    protected static final Duration PATIENCE = Duration.ofSeconds(20);

    private final List<ConfigStore> opened = new CopyOnWriteArrayList<>();

    /** The store of the current test, opened with {@link Settings#DEFAULT}. */
    protected ConfigStore store;

    // ------------------------------------------------------------------------------------------------- hooks

    /**
     * Opens a new, empty store: no keys, revision 0, isolated from every other store opened by this class (a fresh
     * file, database or key namespace). Called once before each test and again by tests that need other settings.
     */
    protected abstract ConfigStore open(Settings settings) throws Exception;

    /**
     * Stops {@code store} the way a process restart would (close it, or stop and start the backend) and opens the
     * same data again. The default aborts the calling test: the backend has no restart to offer.
     */
    protected ConfigStore restart(ConfigStore store) throws Exception {
        Assumptions.abort("this backend provides no restart hook");
        return store;
    }

    /**
     * Makes the backend unreachable for {@code store} (stop the server, fail the disk). Until
     * {@link #makeAvailable} every write must fail with {@link StoreUnavailableException} and change nothing.
     * The default aborts the calling test.
     */
    protected void makeUnavailable(ConfigStore store) throws Exception {
        Assumptions.abort("this backend provides no way to make it unavailable");
    }

    /** Undoes {@link #makeUnavailable}; the store must recover by itself (without being reopened). */
    protected void makeAvailable(ConfigStore store) throws Exception {
        Assumptions.abort("this backend provides no way to make it available again");
    }

    /**
     * Lets a backend that trims its change feed lazily (e.g. approximate stream trimming) drop what it no longer
     * needs to retain, so the history tests can observe {@link HistoryGoneException}. Default: nothing to do.
     */
    protected void trimHistory(ConfigStore store) throws Exception {
    }

    /** Releases {@code store}; called for every store this class opened. Must tolerate a store already closed. */
    protected void close(ConfigStore store) throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    // ------------------------------------------------------------------------------------------------- lifecycle

    @BeforeEach
    final void openStore() throws Exception {
        store = openTracked(Settings.DEFAULT);
    }

    @AfterEach
    final void closeStores() throws Exception {
        List<ConfigStore> stores = new ArrayList<>(opened);
        Collections.reverse(stores);
        opened.clear();
        for (ConfigStore s : stores) {
            close(s);
        }
    }

    /** Opens another store with {@code settings}, closed after the test. */
    protected final ConfigStore openTracked(Settings settings) throws Exception {
        ConfigStore s = open(settings);
        opened.add(s);
        return s;
    }

    /** {@link #restart} with bookkeeping: the new store is closed after the test. */
    protected final ConfigStore restartTracked(ConfigStore s) throws Exception {
        opened.remove(s);
        ConfigStore again = restart(s);
        opened.add(again);
        return again;
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    protected static String text(byte[] b) {
        return new String(b, UTF_8);
    }

    private static Entry put(ConfigStore s, String key, String value) {
        return s.put(key, bytes(value), ConfigStore.ANY_VERSION);
    }

    // ------------------------------------------------------------------------------------------------- basics

    @Test
    void aNewStoreIsEmptyAtRevisionZero() {
        assertThat(store.revision()).isZero();
        assertThat(store.list("")).isEmpty();
        assertThat(store.get("missing")).isEmpty();
        assertThat(store.changes("", 0, 10).changes()).isEmpty();
        assertThat(store.changes("", 0, 10).revision()).isZero();
    }

    @Test
    void getReturnsWhatPutStoredWithVersionAndCreateRevision() {
        Entry written = put(store, "apps/web", "v1");

        assertThat(written.key()).isEqualTo("apps/web");
        assertThat(text(written.value())).isEqualTo("v1");
        assertThat(written.version()).isPositive();
        assertThat(written.createRevision()).isEqualTo(written.version());
        assertThat(store.get("apps/web")).contains(written);
    }

    @Test
    void overwritingChangesVersionButKeepsCreateRevision() {
        Entry first = put(store, "k", "1");
        Entry second = put(store, "k", "2");

        assertThat(second.version()).isGreaterThan(first.version());
        assertThat(second.createRevision()).isEqualTo(first.createRevision());
        assertThat(store.get("k")).hasValueSatisfying(e -> {
            assertThat(e.valueAsString()).isEqualTo("2");
            assertThat(e.version()).isEqualTo(second.version());
            assertThat(e.createRevision()).isEqualTo(first.version());
        });
    }

    @Test
    void deleteRemovesTheKeyAndReportsThatItExisted() {
        put(store, "k", "v");

        assertThat(store.delete("k", ConfigStore.ANY_VERSION)).isTrue();
        assertThat(store.get("k")).isEmpty();
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void deletingAnAbsentKeyReturnsFalseAndWritesNothing() {
        put(store, "other", "v");
        long before = store.revision();

        assertThat(store.delete("missing", ConfigStore.ANY_VERSION)).isFalse();
        assertThat(store.delete("missing", ConfigStore.ABSENT)).isFalse();
        assertThat(store.revision()).isEqualTo(before);
        assertThat(store.changes("", before, 10).changes()).isEmpty();
    }

    @Test
    void aDeletedKeyCreatedAgainStartsANewLife() {
        Entry first = put(store, "k", "1");
        store.delete("k", ConfigStore.ANY_VERSION);
        Entry again = store.put("k", bytes("2"), ConfigStore.ABSENT);

        assertThat(again.createRevision()).isEqualTo(again.version()).isGreaterThan(first.version());
    }

    @Test
    void storedValuesAreIsolatedFromTheCallersArrays() {
        byte[] value = bytes("original");
        Entry written = store.put("k", value, ConfigStore.ANY_VERSION);
        value[0] = 'X';
        written.value()[1] = 'X';
        store.get("k").orElseThrow().value()[2] = 'X';
        store.list("").get(0).value()[3] = 'X';

        assertThat(store.get("k").orElseThrow().valueAsString()).isEqualTo("original");
        assertThat(text(store.changes("", 0, 10).changes().get(0).value())).isEqualTo("original");
    }

    @Test
    void emptyAndLargeValuesAndNonAsciiKeysRoundTrip() {
        byte[] large = new byte[256 * 1024];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31 + 7);
        }
        store.put("empty", new byte[0], ConfigStore.ABSENT);
        store.put("large", large, ConfigStore.ABSENT);
        store.put("apps/café/ünïcode", bytes("ok"), ConfigStore.ABSENT);

        assertThat(store.get("empty").orElseThrow().value()).isEmpty();
        assertThat(store.get("large").orElseThrow().value()).isEqualTo(large);
        assertThat(store.list("apps/café/")).extracting(Entry::key).containsExactly("apps/café/ünïcode");
    }

    @Test
    void invalidArgumentsAreRejectedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> store.put("", bytes("v"), ConfigStore.ANY_VERSION))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.put(null, bytes("v"), ConfigStore.ANY_VERSION))
                .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class);
        assertThatThrownBy(() -> store.put("k", null, ConfigStore.ANY_VERSION))
                .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class);
        assertThatThrownBy(() -> store.put("k", bytes("v"), -2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete("", ConfigStore.ANY_VERSION))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.changes("", -1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.changes("", 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.revision()).isZero();
    }

    // ------------------------------------------------------------------------------------------------- CAS

    @Test
    void putWithAbsentCreatesOnlyOnce() {
        Entry created = store.put("k", bytes("first"), ConfigStore.ABSENT);

        CasConflictException conflict = catchThrowableOfType(CasConflictException.class,
                () -> store.put("k", bytes("second"), ConfigStore.ABSENT));

        assertThat(conflict).isNotNull();
        assertThat(conflict.key()).isEqualTo("k");
        assertThat(conflict.expected()).isEqualTo(ConfigStore.ABSENT);
        assertThat(conflict.actual()).isEqualTo(created.version());
        assertThat(store.get("k").orElseThrow().valueAsString()).isEqualTo("first");
    }

    @Test
    void putWithTheCurrentVersionSucceeds() {
        Entry v1 = put(store, "k", "1");
        Entry v2 = store.put("k", bytes("2"), v1.version());

        assertThat(v2.version()).isGreaterThan(v1.version());
        assertThat(store.get("k").orElseThrow().valueAsString()).isEqualTo("2");
    }

    @Test
    void putWithAStaleVersionFailsWithTheActualVersionAndChangesNothing() {
        Entry v1 = put(store, "k", "1");
        Entry v2 = put(store, "k", "2");
        long revision = store.revision();

        CasConflictException conflict = catchThrowableOfType(CasConflictException.class,
                () -> store.put("k", bytes("3"), v1.version()));

        assertThat(conflict).isNotNull();
        assertThat(conflict.expected()).isEqualTo(v1.version());
        assertThat(conflict.actual()).isEqualTo(v2.version());
        assertThat(conflict.kind().status()).isEqualTo(409);
        assertThat(store.get("k")).contains(v2);
        assertThat(store.revision()).isEqualTo(revision);
    }

    @Test
    void putWithAVersionOnAnAbsentKeyFailsWithActualZero() {
        CasConflictException conflict = catchThrowableOfType(CasConflictException.class,
                () -> store.put("k", bytes("v"), 42));

        assertThat(conflict).isNotNull();
        assertThat(conflict.actual()).isEqualTo(ConfigStore.ABSENT);
        assertThat(store.get("k")).isEmpty();
        assertThat(store.revision()).isZero();
    }

    @Test
    void deleteWithTheCurrentVersionSucceeds() {
        Entry v1 = put(store, "k", "1");

        assertThat(store.delete("k", v1.version())).isTrue();
        assertThat(store.get("k")).isEmpty();
    }

    @Test
    void deleteWithAStaleVersionFailsAndKeepsTheKey() {
        Entry v1 = put(store, "k", "1");
        Entry v2 = put(store, "k", "2");

        CasConflictException conflict = catchThrowableOfType(CasConflictException.class,
                () -> store.delete("k", v1.version()));

        assertThat(conflict).isNotNull();
        assertThat(conflict.actual()).isEqualTo(v2.version());
        assertThat(store.get("k")).contains(v2);
    }

    @Test
    void deleteOfAnExistingKeyExpectingAbsenceFails() {
        Entry v1 = put(store, "k", "1");

        CasConflictException conflict = catchThrowableOfType(CasConflictException.class,
                () -> store.delete("k", ConfigStore.ABSENT));

        assertThat(conflict).isNotNull();
        assertThat(conflict.actual()).isEqualTo(v1.version());
        assertThat(store.get("k")).contains(v1);
    }

    @Test
    void deleteOfAnAbsentKeyWithAVersionFailsWithActualZero() {
        Entry v1 = put(store, "k", "1");
        store.delete("k", ConfigStore.ANY_VERSION);
        long revision = store.revision();

        CasConflictException conflict = catchThrowableOfType(CasConflictException.class,
                () -> store.delete("k", v1.version()));

        assertThat(conflict).isNotNull();
        assertThat(conflict.actual()).isZero();
        assertThat(store.revision()).isEqualTo(revision);
    }

    // ------------------------------------------------------------------------------------------------- revisions

    @Test
    void aKeysVersionIsTheRevisionOfItsLastWrite() {
        Entry a = put(store, "a", "1");
        assertThat(store.revision()).isEqualTo(a.version());
        Entry b = put(store, "b", "1");
        assertThat(store.revision()).isEqualTo(b.version());
        Entry a2 = put(store, "a", "2");
        assertThat(store.revision()).isEqualTo(a2.version());

        assertThat(store.get("a").orElseThrow().version()).isEqualTo(a2.version());
        assertThat(store.get("b").orElseThrow().version()).isEqualTo(b.version());
        assertThat(store.changes("", 0, 10).changes()).extracting(Change::revision)
                .containsExactly(a.version(), b.version(), a2.version());
    }

    @Test
    void theRevisionGrowsWithEveryWriteAcrossKeysAndOnlyThen() {
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            seen.add(put(store, "k" + (i % 3), "v" + i).version());
            if (i % 4 == 0) {
                store.delete("k" + (i % 3), ConfigStore.ANY_VERSION);
                seen.add(store.revision());
            }
        }
        long before = store.revision();
        catchThrowableOfType(CasConflictException.class, () -> store.put("k0", bytes("x"), ConfigStore.ABSENT + 999));
        store.delete("never", ConfigStore.ANY_VERSION);

        assertThat(seen).isSorted().doesNotHaveDuplicates();
        assertThat(store.revision()).isEqualTo(before).isEqualTo(seen.get(seen.size() - 1));
    }

    // ------------------------------------------------------------------------------------------------- list

    @Test
    void listReturnsThePrefixInKeyOrder() {
        for (String k : List.of("apps/web", "hosts/h1", "apps/api", "apps/db", "z", "a")) {
            put(store, k, k);
        }

        assertThat(store.list("apps/")).extracting(Entry::key).containsExactly("apps/api", "apps/db", "apps/web");
        assertThat(store.list("")).extracting(Entry::key)
                .containsExactly("a", "apps/api", "apps/db", "apps/web", "hosts/h1", "z");
        assertThat(store.list("apps/")).allSatisfy(e -> assertThat(e.valueAsString()).isEqualTo(e.key()));
    }

    @Test
    void aPrefixIsPlainTextSoASlashPrefixDoesNotMatchASibling() {
        put(store, "a/1", "x");
        put(store, "ab", "x");
        put(store, "a", "x");
        put(store, "a/", "x");

        assertThat(store.list("a/")).extracting(Entry::key).containsExactly("a/", "a/1");
        assertThat(store.list("a")).extracting(Entry::key).containsExactly("a", "a/", "a/1", "ab");
        assertThat(store.list("b")).isEmpty();
    }

    @Test
    void listShowsCurrentValuesAndNoDeletedKeys() {
        put(store, "p/1", "old");
        put(store, "p/2", "x");
        Entry current = put(store, "p/1", "new");
        store.delete("p/2", ConfigStore.ANY_VERSION);

        assertThat(store.list("p/")).containsExactly(current);
    }

    // ------------------------------------------------------------------------------------------------- change feed

    @Test
    void theChangeFeedListsEveryWriteInRevisionOrder() {
        Entry a = put(store, "a", "1");
        Entry b = put(store, "b", "1");
        store.delete("a", ConfigStore.ANY_VERSION);
        long deleted = store.revision();

        ChangeBatch batch = store.changes("", 0, 100);

        assertThat(batch.changes()).containsExactly(
                new Change(a.version(), "a", Change.Type.PUT, bytes("1")),
                new Change(b.version(), "b", Change.Type.PUT, bytes("1")),
                new Change(deleted, "a", Change.Type.DELETE, null));
        assertThat(batch.revision()).isEqualTo(deleted);
    }

    @Test
    void theChangeFeedFiltersByPrefix() {
        put(store, "apps/web", "1");
        put(store, "hosts/h1", "1");
        put(store, "apps2/x", "1");
        put(store, "apps/api", "1");
        store.delete("hosts/h1", ConfigStore.ANY_VERSION);

        assertThat(store.changes("apps/", 0, 100).changes()).extracting(Change::key)
                .containsExactly("apps/web", "apps/api");
        assertThat(store.changes("hosts/", 0, 100).changes()).extracting(Change::type)
                .containsExactly(Change.Type.PUT, Change.Type.DELETE);
    }

    @Test
    void theChangeFeedResumesAfterAGivenRevision() {
        put(store, "a", "1");
        Entry b = put(store, "b", "1");
        Entry c = put(store, "c", "1");

        assertThat(store.changes("", b.version(), 100).changes()).extracting(Change::revision)
                .containsExactly(c.version());
        assertThat(store.changes("", c.version(), 100).changes()).isEmpty();
        assertThat(store.changes("", c.version(), 100).revision()).isEqualTo(c.version());
    }

    @Test
    void theChangeFeedPagesByLimitAndResumesFromTheLastChange() {
        List<Long> written = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            written.add(put(store, "k" + i, "v").version());
        }

        List<Long> read = new ArrayList<>();
        long after = 0;
        int pages = 0;
        while (true) {
            ChangeBatch page = store.changes("", after, 2);
            assertThat(page.changes()).hasSizeLessThanOrEqualTo(2);
            pages++;
            if (page.changes().isEmpty()) {
                assertThat(page.revision()).isEqualTo(store.revision());
                break;
            }
            page.changes().forEach(ch -> read.add(ch.revision()));
            after = page.changes().get(page.changes().size() - 1).revision();
        }

        assertThat(read).isEqualTo(written);
        assertThat(pages).isEqualTo(4);
    }

    @Test
    void aFilteredPageResumesWithoutSkippingOrRepeating() {
        for (int i = 1; i <= 6; i++) {
            put(store, "a/" + i, "v");
            put(store, "b/" + i, "v");
        }

        List<String> keys = new ArrayList<>();
        long after = 0;
        while (true) {
            ChangeBatch page = store.changes("b/", after, 4);
            page.changes().forEach(ch -> keys.add(ch.key()));
            if (page.changes().size() < 4) {
                after = page.revision();
                break;
            }
            after = page.changes().get(page.changes().size() - 1).revision();
        }

        assertThat(keys).containsExactly("b/1", "b/2", "b/3", "b/4", "b/5", "b/6");
        assertThat(after).isEqualTo(store.revision());
        assertThat(store.changes("none/", 0, 10).changes()).isEmpty();
        assertThat(store.changes("none/", 0, 10).revision()).isEqualTo(store.revision());
    }

    @Test
    void changesBeyondTheRetainedHistoryAreReportedGone() throws Exception {
        int retention = 5;
        ConfigStore small = openTracked(new Settings(retention));
        for (int i = 0; i < 4 * retention; i++) {
            put(small, "k" + (i % 3), "v" + i);
        }
        trimHistory(small);
        long current = small.revision();

        HistoryGoneException gone = catchThrowableOfType(HistoryGoneException.class,
                () -> small.changes("", 0, 100));

        assertThat(gone).isNotNull();
        assertThat(gone.requested()).isZero();
        assertThat(gone.currentRevision()).isEqualTo(current);
        assertThat(gone.oldestAvailable()).isGreaterThan(1).isLessThanOrEqualTo(current - retention + 1);

        ChangeBatch fromOldest = small.changes("", gone.oldestAvailable() - 1, 100);
        assertThat(fromOldest.changes()).isNotEmpty();
        assertThat(fromOldest.changes().get(0).revision()).isEqualTo(gone.oldestAvailable());
        assertThat(fromOldest.changes().get(fromOldest.changes().size() - 1).revision()).isEqualTo(current);

        assertThatThrownBy(() -> small.changes("k1", gone.oldestAvailable() - 2, 100))
                .isInstanceOf(HistoryGoneException.class);
        assertThat(small.changes("", current - retention, 100).changes()).hasSize(retention);
        assertThat(small.list("")).hasSize(3);
    }

    // ------------------------------------------------------------------------------------------------- watch

    @Test
    void aWatchDeliversTheBacklogThenLiveChangesInOrder() {
        Entry first = put(store, "w/1", "a");
        put(store, "w/2", "b");
        store.delete("w/1", ConfigStore.ANY_VERSION);
        RecordingListener listener = new RecordingListener();

        try (Watch watch = store.watch("", first.version() - 1, listener)) {
            await().atMost(PATIENCE).until(() -> listener.changes().size() == 3);
            put(store, "w/3", "c");
            put(store, "w/2", "d");

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(listener.keys())
                    .containsExactly("w/1", "w/2", "w/1", "w/3", "w/2"));
        }
        assertThat(listener.changes()).extracting(Change::type).containsExactly(
                Change.Type.PUT, Change.Type.PUT, Change.Type.DELETE, Change.Type.PUT, Change.Type.PUT);
        assertThat(listener.revisions()).isSorted().doesNotHaveDuplicates();
        assertThat(listener.revisions()).isEqualTo(
                store.changes("", 0, 100).changes().stream().map(Change::revision).toList());
        assertThat(text(listener.changes().get(4).value())).isEqualTo("d");
        assertThat(listener.resyncs()).isEmpty();
        assertThat(listener.threads()).doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void aWatchFromTheCurrentRevisionSeesOnlyNewChanges() {
        put(store, "old", "x");
        RecordingListener listener = new RecordingListener();

        try (Watch watch = store.watch("", store.revision(), listener)) {
            Entry fresh = put(store, "new", "y");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(listener.revisions())
                    .containsExactly(fresh.version()));
        }
    }

    @Test
    void aWatchOnlyDeliversItsPrefix() {
        RecordingListener apps = new RecordingListener();
        RecordingListener all = new RecordingListener();

        try (Watch w1 = store.watch("apps/", 0, apps); Watch w2 = store.watch("", 0, all)) {
            put(store, "apps/web", "1");
            put(store, "hosts/h", "1");
            put(store, "appsx", "1");
            put(store, "apps/api", "1");
            await().atMost(PATIENCE).until(() -> all.changes().size() == 4);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(apps.keys())
                    .containsExactly("apps/web", "apps/api"));
        }
    }

    @Test
    void aWatchWhoseHistoryIsGoneResyncsThenContinuesFromTheNewestRevision() throws Exception {
        int retention = 5;
        ConfigStore small = openTracked(new Settings(retention));
        for (int i = 0; i < 4 * retention; i++) {
            put(small, "k" + (i % 3), "v" + i);
        }
        trimHistory(small);
        long current = small.revision();
        RecordingListener listener = new RecordingListener();

        try (Watch watch = small.watch("", 0, listener)) {
            await().atMost(PATIENCE).until(() -> !listener.resyncs().isEmpty());
            Entry after = put(small, "after", "x");

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(listener.revisions())
                    .containsExactly(after.version()));
        }
        assertThat(listener.resyncs()).containsExactly(current);
    }

    @Test
    void closingAWatchStopsDelivery() {
        RecordingListener closed = new RecordingListener();
        RecordingListener sentinel = new RecordingListener();
        Watch watch = store.watch("", 0, closed);
        put(store, "before", "x");
        await().atMost(PATIENCE).until(() -> closed.changes().size() == 1);

        watch.close();
        watch.close(); // idempotent
        long closedAt = store.revision();
        put(store, "after-1", "x");
        put(store, "after-2", "x");
        try (Watch later = store.watch("", closedAt, sentinel)) {
            Entry last = put(store, "after-3", "x");
            // the sentinel seeing the newest write means the store has dispatched everything before it
            await().atMost(PATIENCE).until(() -> sentinel.revisions().contains(last.version()));
        }

        assertThat(closed.keys()).containsExactly("before");
    }

    @Test
    void aFailingListenerDoesNotStopItsWatchOrOthers() {
        RecordingListener failing = new RecordingListener(c -> c.key().equals("boom"));
        RecordingListener other = new RecordingListener();

        try (Watch w1 = store.watch("", 0, failing); Watch w2 = store.watch("", 0, other)) {
            put(store, "boom", "x");
            put(store, "fine", "y");

            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(failing.keys()).containsExactly("boom", "fine");
                assertThat(other.keys()).containsExactly("boom", "fine");
            });
        }
    }

    // ------------------------------------------------------------------------------------------------- concurrency

    /** Threads used by the concurrency tests. */
    protected int concurrentWriters() {
        return 4;
    }

    /** Writes each of them makes. */
    protected int writesPerWriter() {
        return 25;
    }

    @Test
    void concurrentCompareAndSetIncrementsLoseNoUpdate() throws Exception {
        store.put("counter", bytes("0"), ConfigStore.ABSENT);
        int writers = concurrentWriters();
        int each = writesPerWriter();

        List<Integer> conflicts = runConcurrently(writers, w -> {
            int retries = 0;
            for (int i = 0; i < each; i++) {
                while (true) {
                    Entry current = store.get("counter").orElseThrow();
                    long next = Long.parseLong(current.valueAsString()) + 1;
                    try {
                        store.put("counter", bytes(Long.toString(next)), current.version());
                        break;
                    } catch (CasConflictException e) {
                        assertThat(e.actual()).isGreaterThan(current.version());
                        retries++;
                    }
                }
            }
            return retries;
        });

        assertThat(store.get("counter").orElseThrow().valueAsString()).isEqualTo(Integer.toString(writers * each));
        List<Change> feed = store.changes("counter", 0, 10 * writers * each).changes();
        assertThat(feed).hasSize(writers * each + 1);
        assertThat(feed).extracting(c -> Long.parseLong(text(c.value())))
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(0, (long) writers * each)
                        .boxed().toList());
        assertThat(conflicts).hasSize(writers);
    }

    @Test
    void concurrentWritersGetDistinctRevisionsAndAWatchSeesThemAllInOrder() throws Exception {
        int writers = concurrentWriters();
        int each = writesPerWriter();
        RecordingListener listener = new RecordingListener();

        try (Watch watch = store.watch("", 0, listener)) {
            List<List<Long>> versions = runConcurrently(writers, w -> {
                List<Long> mine = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    mine.add(store.put("w" + w + "/" + i, bytes("v"), ConfigStore.ABSENT).version());
                }
                return mine;
            });
            List<Long> all = versions.stream().flatMap(List::stream).sorted().toList();
            assertThat(all).doesNotHaveDuplicates().hasSize(writers * each);
            assertThat(versions).allSatisfy(mine -> assertThat(mine).isSorted());

            await().atMost(PATIENCE).until(() -> listener.changes().size() >= writers * each);
            assertThat(listener.revisions()).isEqualTo(all);
        }
        assertThat(store.list("")).hasSize(writers * each);
        assertThat(store.revision()).isEqualTo(store.changes("", 0, 10 * writers * each).changes()
                .get(writers * each - 1).revision());
    }

    /** A task run by each of several threads started at once. */
    @FunctionalInterface
    protected interface Worker<T> {
        T run(int worker) throws Exception;
    }

    protected static <T> List<T> runConcurrently(int threads, Worker<T> worker) throws Exception {
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
                results.add(f.get(PATIENCE.toSeconds() * 3, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------------------- durability

    @Test
    void aRestartKeepsDataRevisionAndHistory() throws Exception {
        Entry a = put(store, "a", "1");
        Entry b = put(store, "b", "1");
        Entry b2 = put(store, "b", "2");
        store.delete("a", ConfigStore.ANY_VERSION);
        long revision = store.revision();
        List<Change> feed = store.changes("", 0, 100).changes();

        ConfigStore again = restartTracked(store);

        assertThat(again.revision()).isEqualTo(revision);
        assertThat(again.get("a")).isEmpty();
        assertThat(again.get("b")).contains(b2);
        assertThat(again.get("b").orElseThrow().createRevision()).isEqualTo(b.version());
        assertThat(again.changes("", 0, 100).changes()).isEqualTo(feed);
        Entry next = again.put("a", bytes("3"), ConfigStore.ABSENT);
        assertThat(next.version()).isGreaterThan(revision);
        assertThat(next.createRevision()).isGreaterThan(a.version());
    }

    @Test
    void aWatchOnARestartedStoreResumesFromAnEarlierRevision() throws Exception {
        put(store, "x", "1");
        long seen = store.revision();
        Entry missed = put(store, "y", "1");
        ConfigStore again = restartTracked(store);
        RecordingListener listener = new RecordingListener();

        try (Watch watch = again.watch("", seen, listener)) {
            Entry live = put(again, "z", "1");
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(listener.revisions())
                    .containsExactly(missed.version(), live.version()));
        }
    }

    // ------------------------------------------------------------------------------------------------- outage

    @Test
    void anUnavailableBackendFailsCallsWithStoreUnavailableAndWritesNothing() throws Exception {
        Entry before = put(store, "kept", "1");
        long revision = store.revision();

        makeUnavailable(store);
        try {
            assertThatThrownBy(() -> store.put("lost", bytes("x"), ConfigStore.ANY_VERSION))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.put("kept", bytes("2"), before.version()))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.delete("kept", ConfigStore.ANY_VERSION))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.get("kept")).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.list("")).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.changes("", 0, 10)).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> store.revision()).isInstanceOf(StoreUnavailableException.class);
            StoreHealth health = store.health();
            assertThat(health.up()).isFalse();
            assertThat(health.detail()).isNotBlank();
            assertThat(health.backend()).isEqualTo(store.backend());
        } finally {
            makeAvailable(store);
        }

        await().atMost(PATIENCE).ignoreException(StoreUnavailableException.class)
                .untilAsserted(() -> assertThat(store.get("kept")).contains(before));
        assertThat(store.get("lost")).isEmpty();
        assertThat(store.revision()).isEqualTo(revision);
        assertThat(store.changes("", 0, 100).changes()).extracting(Change::key).containsExactly("kept");
        assertThat(store.health().up()).isTrue();
        Entry after = put(store, "after", "1");
        assertThat(after.version()).isGreaterThan(revision);
    }

    @Test
    void aWatchCarriesOnAfterAnOutage() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (Watch watch = store.watch("", 0, listener)) {
            put(store, "before", "1");
            await().atMost(PATIENCE).until(() -> listener.changes().size() == 1);

            makeUnavailable(store);
            try {
                assertThatThrownBy(() -> put(store, "during", "1")).isInstanceOf(StoreUnavailableException.class);
            } finally {
                makeAvailable(store);
            }
            Entry after = await().atMost(PATIENCE).ignoreException(StoreUnavailableException.class)
                    .until(() -> Optional.of(put(store, "after", "1")), Optional::isPresent).orElseThrow();

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(listener.keys())
                    .containsExactly("before", "after"));
            assertThat(listener.revisions().get(1)).isEqualTo(after.version());
        }
    }
}
