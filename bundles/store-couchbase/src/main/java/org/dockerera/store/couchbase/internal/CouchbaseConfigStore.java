package org.dockerera.store.couchbase.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import com.couchbase.client.core.error.CasMismatchException;
import com.couchbase.client.core.error.CouchbaseException;
import com.couchbase.client.core.error.DocumentExistsException;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.java.Bucket;
import com.couchbase.client.java.Cluster;
import com.couchbase.client.java.ClusterOptions;
import com.couchbase.client.java.env.ClusterEnvironment;
import org.dockerera.spi.store.CasConflictException;
import org.dockerera.spi.store.Change;
import org.dockerera.spi.store.ChangeBatch;
import org.dockerera.spi.store.ChangeListener;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.HistoryGoneException;
import org.dockerera.spi.store.StoreHealth;
import org.dockerera.spi.store.StoreUnavailableException;
import org.dockerera.spi.store.Watch;
import org.dockerera.store.couchbase.internal.Codec.ChangeDoc;
import org.dockerera.store.couchbase.internal.Codec.Data;
import org.dockerera.store.couchbase.internal.Codec.State;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConfigStore} on Couchbase key-value operations only. DCP and N1QL are not used (CouchbaseMock, the only
 * server this was tested against, has neither, and a config store should not need the query service), so ordering,
 * the change feed and prefix listing are built from documents with CAS. All ids start with
 * {@link Options#keyPrefix()} ({@code P} below).
 *
 * <h2>Documents</h2>
 * <ul>
 * <li>{@code P rev}: the revision counter (Couchbase's atomic binary counter).</li>
 * <li>{@code P d::KEY}: a key's data document: value, version (= the revision of its last write), create revision;
 * or a tombstone. Ids longer than Couchbase's 250 bytes become {@code P dh::sha256(KEY)}.</li>
 * <li>{@code P chg::N}: the change of revision N: pending, committed or no-op.</li>
 * <li>{@code P idx::0..63}: the key index, 64 shard documents (shard = key hash), each a sorted key set.</li>
 * <li>{@code P floor}: the oldest revision the feed still holds; {@code P wm}: a hint of the settled revision, so
 * a new store need not scan the whole feed.</li>
 * </ul>
 *
 * <h2>A write</h2>
 * <ol>
 * <li>read the data document (its CAS and version); a wrong expected version fails here, before anything is
 * written. If its version is not known to be settled yet, settle it first (see below): so a data document is only
 * ever overwritten after its change document is final.</li>
 * <li>take revision N from the counter;</li>
 * <li>insert {@code chg::N} as <em>pending</em> (the intent: key, type, value);</li>
 * <li>write the data document with the CAS read in step 1 (insert when it was missing), version N;</li>
 * <li>for a new key, add it to its index shard (always a CAS write, see listing);</li>
 * <li>replace {@code chg::N} by the same change <em>committed</em>; a delete then removes its tombstone and
 * index entry.</li>
 * </ol>
 * A CAS conflict in step 4 (someone wrote the key after step 1) turns {@code chg::N} into a <em>no-op</em>: the
 * revision was taken but nothing changed, and the feed skips it; the caller gets a {@link CasConflictException} (or,
 * with {@link #ANY_VERSION}, the write is retried). No revision is ever left as a hole that blocks readers.
 *
 * <h2>Reading the feed: the settled watermark</h2>
 * Revisions are taken in order but finish in any order, so readers only go up to the <em>watermark</em>: the
 * highest W such that every {@code chg::1..W} is committed or a no-op. {@link #revision()} is that watermark, not
 * the raw counter, so "read the revision, list, watch from it" never misses a write still in flight. A reader that
 * meets an unfinished revision N settles it:
 * <ul>
 * <li>{@code chg::N} pending and the key's data document has version N: the write happened and its writer died (or
 * is slow) before step 6: commit it now (re-adding the index entry). No waiting.</li>
 * <li>{@code chg::N} pending, data at another version, for longer than {@code reconcileGraceMillis}: the writer died
 * between steps 3 and 4. <em>Fence</em> the data document (rewrite it unchanged with its CAS, or insert a tombstone
 * when it is missing) so a late step 4 with the old CAS can no longer succeed, then mark N a no-op. Because of the
 * rule in step 1, a data document whose version moved past N proves N was never applied.</li>
 * <li>{@code chg::N} missing for longer than the grace: the writer died between steps 2 and 3 (or its counter
 * increment timed out but landed): insert a no-op; a late writer's step 3 then fails and it takes a new revision.
 * </li>
 * </ul>
 * Every decision is a CAS on the change or data document, so two readers settling the same revision, or a reader and
 * a slow writer, agree. The grace only decides when to act, never what is true.
 *
 * <h2>Listing in key order without N1QL</h2>
 * Choices considered: one sorted key-index document (every create and delete rewrites a 10,000-key document, and all
 * writers contend on one CAS), replaying the change log (impossible once history is trimmed), or sharded index
 * documents. This store keeps 64 shards by key hash: a create or delete touches one ~150-key shard at 10,000 keys,
 * writers of different keys rarely contend, and a listing reads the 64 shards in parallel, merges and sorts the keys
 * under the prefix, then reads their data documents in parallel. Updates of existing keys never touch the index. The
 * index may hold a key whose data is gone (a crashed delete; listing skips it), never the other way round once a
 * write has returned: a creator adds its key <em>after</em> writing the data, always as a CAS write; a deleter
 * removes a key only with the CAS of a shard it read <em>before</em> checking that the key has no live data, so a
 * concurrent re-create either is seen by that check or invalidates the deleter's CAS.
 *
 * <h2>History and watches</h2>
 * {@code historyLength} revisions are kept: when the settled watermark runs more than a small slack past it, the
 * floor document moves (by CAS, so one trimmer wins) and older change documents are removed. A read from before the
 * floor throws {@link HistoryGoneException}. Watches are served by one thread per store polling the counter every
 * {@code watchPollMillis}; see {@link Watches}.
 *
 * <h2>Availability</h2>
 * Any failure to reach Couchbase (timeouts, lost connections, missing bucket, authentication) marks the store down:
 * from then on every call fails at once with {@link StoreUnavailableException} while a background probe retries with
 * exponential back-off up to {@code maxBackoffMillis}; the first successful probe brings it back. A write that times
 * out after step 2 leaves a revision that readers settle as above.
 */
@Component(service = ConfigStore.class, configurationPid = CouchbaseStoreConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ConfigStore.BACKEND_PROPERTY + "=" + CouchbaseConfigStore.BACKEND)
@Designate(ocd = CouchbaseStoreConfig.class)
public final class CouchbaseConfigStore implements ConfigStore, AutoCloseable {
    static final String BACKEND = "couchbase";
    static final int INDEX_SHARDS = 64;
    private static final int BATCH = 64;
    private static final int PAGE = 256;
    private static final long INITIAL_BACKOFF_MILLIS = 50;
    private static final Logger LOG = LoggerFactory.getLogger(CouchbaseConfigStore.class);

    private final Options options;
    private final String prefix;
    private final String endpoint;
    private final ClusterEnvironment environment;
    private final ScheduledExecutorService maintenance;
    private final Watches watches;
    private final AtomicBoolean trimming = new AtomicBoolean();

    private volatile Cluster cluster;
    private volatile Kv kv;
    /** Why the store is down, null while it is up. */
    private volatile String down;
    private volatile boolean closed;
    private long backoffMillis = INITIAL_BACKOFF_MILLIS;

    private final Object watermarkLock = new Object();
    /** Every revision up to this one is committed or a no-op. Guarded by watermarkLock for writes. */
    private volatile long watermark;
    /** Revisions above the watermark known to be settled (by this store's own writes or readers). */
    private final ConcurrentSkipListSet<Long> settledAhead = new ConcurrentSkipListSet<>();
    /** When this store first saw each unsettled revision, for the grace period. */
    private final ConcurrentHashMap<Long, Long> unsettledSince = new ConcurrentHashMap<>();
    private volatile long floorSeen = 1;
    private volatile long hintWritten;

    /** For OSGi. */
    @Activate
    public CouchbaseConfigStore(CouchbaseStoreConfig config) {
        this(Options.of(config));
    }

    /** Connects in the background; until connected every call throws {@link StoreUnavailableException}. */
    public CouchbaseConfigStore(Options options) {
        this.options = Objects.requireNonNull(options, "options");
        this.prefix = options.keyPrefix();
        this.endpoint = options.endpoint();
        this.environment = environment(options);
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dockerera-store-couchbase " + endpoint);
            t.setDaemon(true);
            return t;
        });
        this.watches = new Watches(this, options.watchPoll(), "dockerera-store-couchbase-watch " + endpoint);
        this.down = "connecting to " + endpoint;
        maintenance.execute(this::connect);
        maintenance.scheduleWithFixedDelay(this::maintain, 2, 2, TimeUnit.SECONDS);
        LOG.info("Couchbase config store {}: connecting", options);
    }

    private static ClusterEnvironment environment(Options o) {
        ClusterEnvironment.Builder b = ClusterEnvironment.builder()
                .timeoutConfig(t -> t.kvTimeout(o.kvTimeout()).connectTimeout(o.connectTimeout()))
                .transactionsConfig(t -> t.cleanupConfig(c -> c.cleanupLostAttempts(false).cleanupClientAttempts(false)))
                .disableAppTelemetry(true);
        if (o.tlsEnabled()) {
            b.securityConfig(s -> {
                s.enableTls(true);
                if (!o.tlsCaFile().isEmpty()) {
                    s.trustCertificate(Path.of(o.tlsCaFile()));
                }
            });
        }
        return b.build();
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    private void connect() {
        if (closed) {
            return;
        }
        try {
            if (cluster == null) {
                cluster = Cluster.connect(options.connectionString(),
                        ClusterOptions.clusterOptions(options.username(), options.password()).environment(environment));
            }
            Bucket bucket = cluster.bucket(options.bucket());
            bucket.waitUntilReady(options.connectTimeout());
            Kv ready = new Kv(bucket.defaultCollection());
            kv = ready;
            Kv.Doc floor = ready.get(floorId());
            Kv.Doc hint = ready.get(hintId());
            long start = Math.max(floor == null ? 0 : Codec.number(floor.bytes()) - 1,
                    hint == null ? 0 : Codec.number(hint.bytes()));
            floorSeen = floor == null ? 1 : Codec.number(floor.bytes());
            synchronized (watermarkLock) {
                if (start > watermark) {
                    watermark = start;
                }
            }
            hintWritten = start;
            backUp();
        } catch (RuntimeException e) {
            String detail = "cannot connect to " + endpoint + ": " + describe(e);
            if (!detail.equals(down)) {
                LOG.warn("Couchbase config store: {}; retrying", detail);
            }
            down = detail;
            retryLater(this::connect);
        }
    }

    private void backUp() {
        synchronized (this) {
            backoffMillis = INITIAL_BACKOFF_MILLIS;
        }
        if (down != null) {
            LOG.info("Couchbase config store {} is available", endpoint);
        }
        down = null;
        watches.wake();
    }

    private void retryLater(Runnable task) {
        long delay;
        synchronized (this) {
            delay = backoffMillis;
            backoffMillis = Math.min(backoffMillis * 2, options.maxBackoff().toMillis());
        }
        try {
            maintenance.schedule(task, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Marks the store down (first failure wins the message) and starts probing. */
    private StoreUnavailableException unavailable(RuntimeException e) {
        String detail = "Couchbase at " + endpoint + " does not answer: " + describe(e);
        boolean first;
        synchronized (this) {
            first = down == null;
            if (first) {
                down = detail;
            }
        }
        if (first) {
            LOG.warn("Couchbase config store unavailable: {}; probing", detail);
            retryLater(this::probe);
        }
        return new StoreUnavailableException(BACKEND, detail, e);
    }

    private void probe() {
        if (closed) {
            return;
        }
        try {
            kv.get(counterId());
            backUp();
        } catch (RuntimeException e) {
            down = "Couchbase at " + endpoint + " does not answer: " + describe(e);
            retryLater(this::probe);
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        if (m != null && m.length() > 200) {
            m = m.substring(0, 200) + "…";
        }
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.split("\n", 2)[0]);
    }

    @Deactivate
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watches.stop();
        maintenance.shutdownNow();
        try {
            maintenance.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Cluster c = cluster;
        try {
            if (c != null) {
                c.disconnect();
            }
        } catch (RuntimeException e) {
            LOG.debug("disconnect failed", e);
        } finally {
            environment.shutdown();
        }
        LOG.info("Couchbase config store {} closed", endpoint);
    }

    /** Runs {@code op} if the store is up; a Couchbase failure marks it down. */
    <T> T call(Supplier<T> op) {
        if (closed) {
            throw new StoreUnavailableException(BACKEND, "the store is closed", null);
        }
        String why = down;
        if (why != null) {
            throw new StoreUnavailableException(BACKEND, why, null);
        }
        try {
            return op.get();
        } catch (CouchbaseException e) {
            throw unavailable(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ ids

    String counterId() {
        return prefix + "rev";
    }

    String floorId() {
        return prefix + "floor";
    }

    String hintId() {
        return prefix + "wm";
    }

    String changeId(long revision) {
        return prefix + "chg::" + revision;
    }

    String indexId(int shard) {
        return prefix + "idx::" + shard;
    }

    String dataId(String key) {
        String id = prefix + "d::" + key;
        if (id.getBytes(StandardCharsets.UTF_8).length <= Options.MAX_ID_BYTES) {
            return id;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return prefix + "dh::" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int shardOf(String key) {
        return Math.floorMod(key.hashCode(), INDEX_SHARDS);
    }

    // ------------------------------------------------------------------------------------------------ reads

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public Optional<Entry> get(String key) {
        checkKey(key);
        return call(() -> {
            Data d = data(kv.get(dataId(key)));
            return d == null || !d.live() || !d.key().equals(key) ? Optional.empty()
                    : Optional.of(new Entry(key, d.value(), d.version(), d.createRevision()));
        });
    }

    private static Data data(Kv.Doc doc) {
        return doc == null ? null : Codec.data(doc.bytes());
    }

    @Override
    public List<Entry> list(String keyPrefix) {
        Objects.requireNonNull(keyPrefix, "prefix");
        return call(() -> {
            List<String> shardIds = new ArrayList<>(INDEX_SHARDS);
            for (int i = 0; i < INDEX_SHARDS; i++) {
                shardIds.add(indexId(i));
            }
            TreeSet<String> keys = new TreeSet<>();
            for (Kv.Doc shard : kv.getAll(shardIds)) {
                if (shard != null) {
                    for (String k : Codec.index(shard.bytes()).tailSet(keyPrefix)) {
                        if (!k.startsWith(keyPrefix)) {
                            break;
                        }
                        keys.add(k);
                    }
                }
            }
            List<String> ordered = new ArrayList<>(keys);
            List<Entry> entries = new ArrayList<>(ordered.size());
            for (int from = 0; from < ordered.size(); from += PAGE) {
                List<String> page = ordered.subList(from, Math.min(ordered.size(), from + PAGE));
                List<Kv.Doc> docs = kv.getAll(page.stream().map(this::dataId).toList());
                for (int i = 0; i < page.size(); i++) {
                    Data d = data(docs.get(i));
                    if (d != null && d.live() && d.key().equals(page.get(i))) {
                        entries.add(new Entry(d.key(), d.value(), d.version(), d.createRevision()));
                    }
                }
            }
            return entries;
        });
    }

    @Override
    public long revision() {
        return call(() -> settle(readCounter()));
    }

    long readCounter() {
        Kv.Doc c = kv.get(counterId());
        return c == null ? 0 : Codec.counter(c.bytes());
    }

    /** The newest settled revision, for health and watches; no I/O. */
    long knownRevision() {
        return watermark;
    }

    @Override
    public ChangeBatch changes(String keyPrefix, long afterRevision, int limit) {
        Objects.requireNonNull(keyPrefix, "prefix");
        if (afterRevision < 0) {
            throw new IllegalArgumentException("afterRevision must not be negative, not " + afterRevision);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        return call(() -> scan(keyPrefix, afterRevision, limit, settle(readCounter())));
    }

    /** Committed changes under {@code keyPrefix} in (after, upTo], at most {@code limit}. Call inside {@link #call}. */
    ChangeBatch scan(String keyPrefix, long after, int limit, long upTo) {
        long floor = readFloor();
        if (after + 1 < floor) {
            throw new HistoryGoneException(after, floor, upTo);
        }
        List<Change> out = new ArrayList<>();
        long r = after;
        while (r < upTo && out.size() < limit) {
            long from = r + 1;
            long to = Math.min(upTo, r + BATCH);
            List<Kv.Doc> docs = kv.getAll(changeIds(from, to));
            for (int i = 0; i < docs.size() && out.size() < limit; i++) {
                Kv.Doc doc = docs.get(i);
                if (doc == null) {
                    // settled revisions only disappear by trimming
                    throw new HistoryGoneException(after, Math.max(readFloor(), from + i + 1), upTo);
                }
                ChangeDoc c = Codec.change(doc.bytes());
                if (c.state() == State.COMMITTED && c.key().startsWith(keyPrefix)) {
                    out.add(c.toChange());
                }
            }
            r = to;
        }
        return new ChangeBatch(out, upTo);
    }

    private List<String> changeIds(long from, long to) {
        List<String> ids = new ArrayList<>((int) (to - from + 1));
        for (long r = from; r <= to; r++) {
            ids.add(changeId(r));
        }
        return ids;
    }

    private long readFloor() {
        Kv.Doc f = kv.get(floorId());
        long floor = f == null ? 1 : Codec.number(f.bytes());
        floorSeen = floor;
        return floor;
    }

    // ------------------------------------------------------------------------------------------------ settling

    /** Advances the watermark towards {@code upTo}, settling what it can; returns the watermark. */
    long settle(long upTo) {
        long w = watermark;
        while (w < upTo) {
            long from = w + 1;
            long to = Math.min(upTo, w + BATCH);
            List<Kv.Doc> docs = null;
            boolean stuck = false;
            for (long r = from; r <= to; r++) {
                if (settledAhead.contains(r)) {
                    w = r;
                    continue;
                }
                if (docs == null) {
                    docs = kv.getAll(changeIds(from, to));
                }
                if (settle(r, docs.get((int) (r - from)))) {
                    w = r;
                } else {
                    stuck = true;
                    break;
                }
            }
            publish(w);
            if (stuck) {
                break;
            }
        }
        return watermark;
    }

    private void publish(long w) {
        synchronized (watermarkLock) {
            long current = Math.max(watermark, w);
            while (settledAhead.remove(current + 1)) {
                current++;
            }
            watermark = current;
            settledAhead.headSet(current, true).clear();
            unsettledSince.keySet().removeIf(r -> r <= watermark);
        }
    }

    private void settled(long revision) {
        settledAhead.add(revision);
        publish(watermark);
        unsettledSince.remove(revision);
        watches.wake();
    }

    private boolean graceOver(long revision) {
        long now = System.nanoTime();
        long since = unsettledSince.computeIfAbsent(revision, r -> now);
        return now - since >= options.reconcileGrace().toNanos();
    }

    /** Settles revision {@code r} whose change document was read as {@code doc}; false while it must wait. */
    private boolean settle(long r, Kv.Doc doc) {
        for (int attempt = 0; attempt < 8; attempt++) {
            if (doc == null) {
                if (!graceOver(r)) {
                    return false;
                }
                try {
                    kv.insert(changeId(r), Codec.change(ChangeDoc.noop(r)));
                    LOG.info("Couchbase config store {}: revision {} got no change document within {} ms (a writer "
                            + "died after taking it); recorded as a no-op", endpoint, r, options.reconcileGrace().toMillis());
                    return true;
                } catch (DocumentExistsException e) {
                    doc = kv.get(changeId(r));
                    continue;
                }
            }
            ChangeDoc c = Codec.change(doc.bytes());
            if (c.state() != State.PENDING) {
                return true;
            }
            String id = dataId(c.key());
            Kv.Doc dataDoc = kv.get(id);
            Data d = data(dataDoc);
            if (d != null && d.version() == r) {
                if (c.type() == Change.Type.PUT) {
                    indexAdd(c.key());
                }
                try {
                    kv.replace(changeId(r), Codec.change(c.with(State.COMMITTED)), doc.cas());
                    LOG.info("Couchbase config store {}: revision {} ({} {}) was written but not committed; "
                            + "committed it from the data document", endpoint, r, c.type(), c.key());
                    return true;
                } catch (CasMismatchException | DocumentNotFoundException e) {
                    doc = kv.get(changeId(r));
                    continue;
                }
            }
            if (!graceOver(r)) {
                return false;
            }
            try {
                if (dataDoc == null) {
                    kv.insert(id, Codec.data(Data.tombstone(c.key(), 0)));
                } else {
                    kv.replace(id, dataDoc.bytes(), dataDoc.cas());
                }
            } catch (DocumentExistsException | CasMismatchException | DocumentNotFoundException e) {
                doc = kv.get(changeId(r));
                continue;
            }
            try {
                kv.replace(changeId(r), Codec.change(ChangeDoc.noop(r)), doc.cas());
                LOG.info("Couchbase config store {}: revision {} ({} {}) was never applied (its writer died); "
                        + "recorded as a no-op", endpoint, r, c.type(), c.key());
                return true;
            } catch (CasMismatchException | DocumentNotFoundException e) {
                doc = kv.get(changeId(r));
            }
        }
        return false;
    }

    /** Before a data document at {@code version} is overwritten, its change must be final. */
    private void settleBefore(long version) {
        if (version <= watermark || settledAhead.contains(version) || version < floorSeen) {
            return;
        }
        Kv.Doc doc = kv.get(changeId(version));
        if (doc == null) {
            return; // trimmed: long settled
        }
        ChangeDoc c = Codec.change(doc.bytes());
        if (c.state() == State.PENDING) {
            settle(version, doc);
        }
    }

    // ------------------------------------------------------------------------------------------------ writes

    @Override
    public Entry put(String key, byte[] value, long expectedVersion) {
        checkKey(key);
        Objects.requireNonNull(value, "value");
        checkExpected(expectedVersion);
        byte[] copy = value.clone();
        return call(() -> write(key, copy, expectedVersion, false, Step.ALL));
    }

    @Override
    public boolean delete(String key, long expectedVersion) {
        checkKey(key);
        checkExpected(expectedVersion);
        return call(() -> write(key, null, expectedVersion, true, Step.ALL)) != null;
    }

    /** How far a write goes: all the way, or (tests) as if the process died after a step. */
    enum Step { COUNTER, INTENT, DATA, INDEX, ALL }

    /** A write that stops after {@code last}, as a writer killed there would; for the crash tests. */
    Entry writeUntil(String key, byte[] value, Step last) {
        return call(() -> write(key, value == null ? null : value.clone(), ANY_VERSION, value == null, last));
    }

    private static final Entry DELETED = new Entry("-", new byte[0], 0, 0);

    /** Returns the entry written, {@link #DELETED} after a delete, null when a delete found nothing. */
    private Entry write(String key, byte[] value, long expected, boolean delete, Step last) {
        while (true) {
            String id = dataId(key);
            Kv.Doc current = kv.get(id);
            Data d = data(current);
            boolean live = d != null && d.live() && d.key().equals(key);
            long actual = live ? d.version() : ABSENT;
            if (delete && !live) {
                if (expected == ANY_VERSION || expected == ABSENT) {
                    return null;
                }
                throw new CasConflictException(key, expected, ABSENT);
            }
            if (expected != ANY_VERSION && expected != actual) {
                throw new CasConflictException(key, expected, actual);
            }
            if (d != null && d.version() > 0) {
                settleBefore(d.version());
            }
            long rev = kv.increment(counterId());
            if (last == Step.COUNTER) {
                return null;
            }
            ChangeDoc intent = new ChangeDoc(State.PENDING, delete ? Change.Type.DELETE : Change.Type.PUT, rev, key,
                    delete ? new byte[0] : value);
            long intentCas;
            try {
                intentCas = kv.insert(changeId(rev), Codec.change(intent));
            } catch (DocumentExistsException e) {
                settled(rev); // a reader gave up waiting for us and recorded a no-op: take another revision
                continue;
            }
            if (last == Step.INTENT) {
                return null;
            }
            long create = live ? d.createRevision() : rev;
            Data next = delete ? Data.tombstone(key, rev) : new Data(true, rev, create, key, value);
            long dataCas;
            try {
                dataCas = current == null ? kv.insert(id, Codec.data(next))
                        : kv.replace(id, Codec.data(next), current.cas());
            } catch (DocumentExistsException | CasMismatchException | DocumentNotFoundException e) {
                try {
                    kv.replace(changeId(rev), Codec.change(ChangeDoc.noop(rev)), intentCas);
                } catch (CasMismatchException | DocumentNotFoundException settledByReader) {
                    // a reader fenced the data and recorded the no-op itself
                }
                settled(rev);
                if (expected == ANY_VERSION) {
                    continue;
                }
                Data now = data(kv.get(id));
                long nowVersion = now != null && now.live() && now.key().equals(key) ? now.version() : ABSENT;
                if (nowVersion == expected) {
                    continue; // only touched (fenced), not changed
                }
                throw new CasConflictException(key, expected, nowVersion);
            }
            if (last == Step.DATA) {
                return null;
            }
            if (!delete && !live) {
                indexAdd(key);
            }
            if (last == Step.INDEX) {
                return null;
            }
            try {
                kv.replace(changeId(rev), Codec.change(intent.with(State.COMMITTED)), intentCas);
            } catch (CasMismatchException | DocumentNotFoundException e) {
                Kv.Doc now = kv.get(changeId(rev));
                if (now == null || Codec.change(now.bytes()).state() != State.COMMITTED) {
                    LOG.error("Couchbase config store {}: revision {} of '{}' was applied but its change document "
                            + "now says {}", endpoint, rev, key, now == null ? "nothing" : Codec.change(now.bytes()).state());
                }
            }
            settled(rev);
            if (delete) {
                removeDeleted(key, id, dataCas);
            }
            maybeTrim();
            return delete ? DELETED : new Entry(key, value.clone(), rev, create);
        }
    }

    private void removeDeleted(String key, String id, long tombstoneCas) {
        try {
            kv.remove(id, tombstoneCas);
        } catch (CasMismatchException | DocumentNotFoundException e) {
            return; // written again meanwhile
        }
        indexRemove(key);
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
    }

    private static void checkExpected(long expected) {
        if (expected < ANY_VERSION) {
            throw new IllegalArgumentException("expectedVersion must be ANY_VERSION (-1), ABSENT (0) or a version, not "
                    + expected);
        }
    }

    // ------------------------------------------------------------------------------------------------ index

    /** Adds {@code key} to its shard, always writing (so a concurrent remover's CAS fails). */
    void indexAdd(String key) {
        String id = indexId(shardOf(key));
        while (true) {
            Kv.Doc shard = kv.get(id);
            TreeSet<String> keys = shard == null ? new TreeSet<>() : Codec.index(shard.bytes());
            keys.add(key);
            try {
                if (shard == null) {
                    kv.insert(id, Codec.index(keys));
                } else {
                    kv.replace(id, Codec.index(keys), shard.cas());
                }
                return;
            } catch (DocumentExistsException | CasMismatchException | DocumentNotFoundException e) {
                // another writer of this shard: read it again
            }
        }
    }

    /** Removes {@code key} from its shard unless it has live data again. */
    private void indexRemove(String key) {
        String id = indexId(shardOf(key));
        while (true) {
            Kv.Doc shard = kv.get(id);
            if (shard == null) {
                return;
            }
            TreeSet<String> keys = Codec.index(shard.bytes());
            if (!keys.remove(key)) {
                return;
            }
            Data d = data(kv.get(dataId(key)));
            if (d != null && d.live()) {
                return;
            }
            try {
                kv.replace(id, Codec.index(keys), shard.cas());
                return;
            } catch (CasMismatchException | DocumentNotFoundException e) {
                // a creator touched the shard: look again
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ history

    private void maybeTrim() {
        long slack = Math.max(1, Math.min(1000, options.historyLength() / 100));
        if (watermark - floorSeen + 1 > options.historyLength() + slack && trimming.compareAndSet(false, true)) {
            try {
                maintenance.execute(() -> {
                    try {
                        trimHistory();
                    } catch (RuntimeException e) {
                        LOG.debug("trimming failed; retried after a later write", e);
                    } finally {
                        trimming.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                trimming.set(false);
            }
        }
    }

    /** Drops change documents older than the newest {@code historyLength} settled revisions. */
    void trimHistory() {
        call(() -> {
            long w = watermark;
            long target = w - options.historyLength() + 1;
            Kv.Doc f = kv.get(floorId());
            long floor = f == null ? 1 : Codec.number(f.bytes());
            if (target <= floor) {
                floorSeen = floor;
                return null;
            }
            try {
                if (f == null) {
                    kv.insert(floorId(), Codec.number(target));
                } else {
                    kv.replace(floorId(), Codec.number(target), f.cas());
                }
            } catch (DocumentExistsException | CasMismatchException e) {
                return null; // another store trims
            }
            floorSeen = target;
            for (long from = floor; from < target; from += PAGE) {
                kv.removeAll(changeIds(from, Math.min(target - 1, from + PAGE - 1)));
            }
            writeHint(w);
            return null;
        });
    }

    private void writeHint(long w) {
        while (true) {
            Kv.Doc h = kv.get(hintId());
            if (h != null && Codec.number(h.bytes()) >= w) {
                hintWritten = w;
                return;
            }
            try {
                if (h == null) {
                    kv.insert(hintId(), Codec.number(w));
                } else {
                    kv.replace(hintId(), Codec.number(w), h.cas());
                }
                hintWritten = w;
                return;
            } catch (DocumentExistsException | CasMismatchException e) {
                // another store wrote it: compare again
            }
        }
    }

    private void maintain() {
        if (down != null || closed) {
            return;
        }
        try {
            long w = watermark;
            if (w - hintWritten >= 256) {
                call(() -> {
                    writeHint(w);
                    return null;
                });
            }
        } catch (RuntimeException e) {
            LOG.debug("maintenance failed", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ watch, health

    @Override
    public Watch watch(String keyPrefix, long afterRevision, ChangeListener listener) {
        Objects.requireNonNull(keyPrefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        if (afterRevision < 0) {
            throw new IllegalArgumentException("afterRevision must not be negative, not " + afterRevision);
        }
        return watches.add(keyPrefix, afterRevision, listener);
    }

    @Override
    public StoreHealth health() {
        String why = closed ? "the store is closed" : down;
        if (why != null) {
            return new StoreHealth(BACKEND, endpoint, watermark == 0 ? -1 : watermark, false, why);
        }
        try {
            return new StoreHealth(BACKEND, endpoint, revision(), true, null);
        } catch (RuntimeException e) {
            return new StoreHealth(BACKEND, endpoint, watermark == 0 ? -1 : watermark, false, describe(e));
        }
    }

    boolean isUp() {
        return down == null && !closed;
    }

    Options options() {
        return options;
    }

    /** The raw documents, for tests. */
    Kv kv() {
        return kv;
    }

    @Override
    public String toString() {
        return "CouchbaseConfigStore[" + endpoint + "]";
    }
}
