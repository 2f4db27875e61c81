package org.dockerera.store.embedded.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

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
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.RootReference;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link ConfigStore}: one H2 MVStore file holding three maps, written together in one MVStore commit:
 * {@code dockerera.data} (key → version, createRevision, value), {@code dockerera.changes} (revision → change, the
 * feed, trimmed to {@link Options#historyRetention()} entries) and {@code dockerera.meta} (format). The store revision
 * is the newest key of the feed.
 *
 * <h2>Writes: group commit</h2>
 * A writer applies its change to the in-memory maps under {@code applyLock} (checking the expected version against
 * everything applied before it), then waits until its revision is durable. Whoever holds {@code syncLock} commits
 * everything applied so far (an MVStore commit writes one chunk) and forces the file to disk; writers that applied
 * meanwhile are covered by the next commit, so N concurrent writers share one fsync. Nothing returns before the fsync
 * that covers it. A failed write or fsync closes the MVStore and fails every write not yet durable; the next call
 * reopens the file and undoes the changes of a commit that reached the file but whose fsync failed, so the store holds
 * exactly the acknowledged writes and a refused write never turns up later. The undo is logical: every change applied
 * but not yet durable keeps its key's previous record in memory (and the feed entries its append trimmed), and the
 * reopened file gets those back for each revision above the last durable one. (MVStore's own version rollback is not
 * used: after the recovery scan of a reopen, the version numbers it would roll back to no longer name the same state,
 * and rolling back lost acknowledged writes. A process that dies before that recovery may leave such an
 * unacknowledged commit in the file, as with any database.)
 *
 * <h2>Interrupts</h2>
 * Callers may be interrupted at any time; an interrupt inside a {@link FileChannel} operation would close the file
 * for everyone. The MVStore opens its file through {@link UninterruptibleFilePath}, which runs each file operation on
 * a thread nobody interrupts, so an interrupted caller's call completes and the caller keeps its interrupt status.
 *
 * <h2>Reads: only durable state</h2>
 * Reads use the map roots captured at the last durable commit (a {@link View}), never the maps being written, so no
 * reader sees a write before it is on disk. A view pins its MVStore version so the chunks it reads are not reused.
 *
 * <h2>Watches</h2>
 * One dispatcher thread per store reads the feed after each durable commit; see {@link WatchDispatcher}.
 *
 * <p>Lock order: {@code syncLock} before {@code applyLock}; no lock is held while a listener runs.
 */
@Component(service = ConfigStore.class, configurationPid = EmbeddedStoreConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ConfigStore.BACKEND_PROPERTY + "=" + MVConfigStore.BACKEND)
@Designate(ocd = EmbeddedStoreConfig.class)
public final class MVConfigStore implements ConfigStore, AutoCloseable {
    static final String BACKEND = "embedded";
    static final String DATA_MAP = "dockerera.data";
    static final String CHANGES_MAP = "dockerera.changes";
    static final String META_MAP = "dockerera.meta";
    private static final String FORMAT = "1";

    private static final Logger LOG = LoggerFactory.getLogger(MVConfigStore.class);
    /**
     * How long MVStore keeps a dead chunk before reusing its space. Its default (45 s) guards against OS buffers
     * that were never flushed; here every commit is forced before the next one starts, so a chunk freed by commit N+1
     * is dead in the durable commit N, and readers pin the versions they read. Reusing space at once keeps the file
     * small and its size stable, which also makes each fsync cheaper (measured: 2.2k vs 1.3k commits/s at 2 s).
     */
    private static final int CHUNK_RETENTION_MILLIS = 0;
    /** While the file cannot be opened, at most one attempt per this interval; calls in between fail at once. */
    private static final long REOPEN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int COMPACT_FILL_RATE = 50;
    private static final int COMPACT_WRITE_BYTES = 4 << 20;

    private final Path path;
    private final String fileName;
    private final Options options;
    private final ReentrantLock syncLock = new ReentrantLock();
    private final ReentrantLock applyLock = new ReentrantLock();
    /** Where writers wait for a commit led by another writer; notified whenever syncLock is released. */
    private final Object durableSignal = new Object();
    /** Guarded by durableSignal; for tests. */
    private int waiting;
    private final WatchDispatcher dispatcher;
    private final ScheduledExecutorService compactor;
    private final LongAdder syncs = new LongAdder();

    private volatile Db db;
    private volatile boolean closed;
    /** Guarded by applyLock. */
    private long lastOpenAttempt;
    private Throwable lastOpenFailure;

    /** For OSGi: the file named by the configuration, {@code ${karaf.data}} taken from the framework. */
    @Activate
    public MVConfigStore(BundleContext context, EmbeddedStoreConfig config) {
        this(StorePath.resolve(config.path(), name -> frameworkProperty(context, name), bundleDataFile(context)),
                Options.of(config));
    }

    /** Where the file goes when the configured path is blank: the bundle's data area, else the working directory. */
    private static Path bundleDataFile(BundleContext context) {
        java.io.File file = context.getDataFile("store.mv");
        return file != null ? file.toPath() : Path.of("dockerera-store.mv").toAbsolutePath();
    }

    /** A store on {@code path} (created with its directories when missing). */
    public MVConfigStore(Path path, Options options) {
        this(path, path.toAbsolutePath().toString(), options);
    }

    /**
     * @param path     the file, for creating directories and reporting
     * @param fileName what MVStore opens: the path, or a path under an H2 file system prefix ({@code scheme:path})
     */
    MVConfigStore(Path path, String fileName, Options options) {
        this.path = path.toAbsolutePath();
        this.fileName = fileName;
        this.options = Objects.requireNonNull(options, "options");
        this.dispatcher = new WatchDispatcher(this, "dockerera-store-watch " + path.getFileName());
        try {
            ensureOpen();
        } catch (StoreUnavailableException e) {
            LOG.warn("Config store {} cannot be opened yet; calls fail until it can: {}", path, e.getMessage());
        }
        if (options.compactIntervalSeconds() > 0) {
            compactor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dockerera-store-compact " + path.getFileName());
                t.setDaemon(true);
                return t;
            });
            compactor.scheduleWithFixedDelay(this::compactQuietly, options.compactIntervalSeconds(),
                    options.compactIntervalSeconds(), TimeUnit.SECONDS);
        } else {
            compactor = null;
        }
        LOG.info("Config store {} open at revision {} (history {} changes)", path, peekRevision(),
                options.historyRetention());
    }

    private static String frameworkProperty(BundleContext context, String name) {
        String value = context.getProperty(name);
        if (value == null && "karaf.data".equals(name) && context.getDataFile("") != null) {
            return context.getDataFile("").getAbsolutePath();
        }
        return value;
    }

    @Deactivate
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (compactor != null) {
            compactor.shutdownNow();
        }
        dispatcher.stop();
        syncLock.lock();
        try {
            Db current = db;
            db = null;
            if (current != null && current.failure == null) {
                try {
                    commitAndSync(current);
                } catch (StoreUnavailableException e) {
                    LOG.warn("Config store {}: final commit failed: {}", path, e.getMessage());
                }
                applyLock.lock();
                try {
                    current.failure = new IllegalStateException("closed");
                    current.mv.close();
                    Files.deleteIfExists(openMarker());
                } catch (IOException e) {
                    LOG.warn("Config store {}: cannot remove {}; the next start scans the file", path, openMarker(), e);
                } catch (RuntimeException e) {
                    LOG.warn("Config store {} did not close cleanly", path, e);
                    current.mv.closeImmediately();
                } finally {
                    applyLock.unlock();
                }
            }
        } finally {
            unlockSync();
        }
        LOG.info("Config store {} closed", path);
    }

    // ----------------------------------------------------------------------------------------------- ConfigStore

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public Optional<Entry> get(String key) {
        checkKey(key);
        return read(v -> {
            byte[] record = v.db.data.get(v.data.root, key);
            return record == null ? Optional.empty() : Optional.of(Codec.toEntry(key, record));
        });
    }

    @Override
    public Entry put(String key, byte[] value, long expectedVersion) {
        checkKey(key);
        Objects.requireNonNull(value, "value");
        checkExpected(expectedVersion);
        byte[] copy = value.clone();
        return write(d -> {
            byte[] current = d.data.get(key);
            long actual = current == null ? ABSENT : Codec.version(current);
            if (expectedVersion != ANY_VERSION && expectedVersion != actual) {
                throw new CasConflictException(key, expectedVersion, actual);
            }
            long revision = d.applied + 1;
            long created = current == null ? revision : Codec.createRevision(current);
            d.data.put(key, Codec.entry(revision, created, copy));
            append(d, revision, Codec.put(key, copy), key, current);
            return new Entry(key, copy, revision, created);
        });
    }

    @Override
    public boolean delete(String key, long expectedVersion) {
        checkKey(key);
        checkExpected(expectedVersion);
        return write(d -> {
            byte[] current = d.data.get(key);
            if (current == null) {
                if (expectedVersion == ANY_VERSION || expectedVersion == ABSENT) {
                    return false;
                }
                throw new CasConflictException(key, expectedVersion, ABSENT);
            }
            long actual = Codec.version(current);
            if (expectedVersion != ANY_VERSION && expectedVersion != actual) {
                throw new CasConflictException(key, expectedVersion, actual);
            }
            long revision = d.applied + 1;
            d.data.remove(key);
            append(d, revision, Codec.delete(key), key, current);
            return true;
        });
    }

    @Override
    public List<Entry> list(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return read(v -> {
            List<Entry> out = new ArrayList<>();
            Cursor<String, byte[]> c = v.db.data.cursor(v.data, prefix.isEmpty() ? null : prefix, null, false);
            while (c.hasNext()) {
                String key = c.next();
                if (!key.startsWith(prefix)) {
                    break;
                }
                out.add(Codec.toEntry(key, c.getValue()));
            }
            return out;
        });
    }

    @Override
    public long revision() {
        return read(v -> v.revision);
    }

    @Override
    public ChangeBatch changes(String prefix, long afterRevision, int limit) {
        Objects.requireNonNull(prefix, "prefix");
        if (afterRevision < 0) {
            throw new IllegalArgumentException("afterRevision must not be negative, not " + afterRevision);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, not " + limit);
        }
        return read(v -> {
            long current = v.revision;
            Long first = v.db.log.higherKey(v.log, 0L);
            long oldest = first == null ? current + 1 : first;
            if (afterRevision < oldest - 1) {
                throw new HistoryGoneException(afterRevision, oldest, current);
            }
            List<Change> out = new ArrayList<>();
            if (afterRevision < current) {
                Cursor<Long, byte[]> c = v.db.log.cursor(v.log, afterRevision + 1, null, false);
                while (out.size() < limit && c.hasNext()) {
                    long revision = c.next();
                    byte[] record = c.getValue();
                    if (prefix.isEmpty() || Codec.changeKey(record).startsWith(prefix)) {
                        out.add(Codec.toChange(revision, record));
                    }
                }
            }
            return new ChangeBatch(out, current);
        });
    }

    @Override
    public Watch watch(String prefix, long afterRevision, ChangeListener listener) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        if (afterRevision < 0) {
            throw new IllegalArgumentException("afterRevision must not be negative, not " + afterRevision);
        }
        if (closed) {
            throw unavailable(new IllegalStateException("the store is closed"));
        }
        return dispatcher.register(prefix, afterRevision, listener);
    }

    @Override
    public StoreHealth health() {
        try {
            Db d = ensureOpen();
            return new StoreHealth(BACKEND, path.toString(), d.durable, true, null);
        } catch (RuntimeException e) {
            return new StoreHealth(BACKEND, path.toString(), -1, false, describe(e));
        }
    }

    // ----------------------------------------------------------------------------------------------- internals

    /** The newest durable revision without touching the disk; -1 while the store is down. */
    long peekRevision() {
        Db d = db;
        return d == null || d.failure != null ? -1 : d.durable;
    }

    /** How many commits have been forced to disk; with concurrent writers, fewer than the writes. */
    long syncCount() {
        return syncs.sum();
    }

    Path path() {
        return path;
    }

    /** Writers that have applied their change and wait for a commit led by another. */
    int writersWaitingForSync() {
        synchronized (durableSignal) {
            return waiting;
        }
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
    }

    private static void checkExpected(long expectedVersion) {
        if (expectedVersion < ANY_VERSION) {
            throw new IllegalArgumentException("expectedVersion must be a version, ABSENT (0) or ANY_VERSION (-1), not "
                    + expectedVersion);
        }
    }

    /** Adds a change to the feed and drops what falls out of the retention. Caller holds applyLock. */
    /**
     * Appends the change at {@code revision} to the feed, trims the feed, and keeps what undoes both until the
     * revision is durable. Caller holds applyLock and has already changed {@code key} in the data map.
     *
     * @param before the key's record before this change; null when it had none
     */
    private void append(Db d, long revision, byte[] change, String key, byte[] before) {
        d.log.put(revision, change);
        List<Map.Entry<Long, byte[]>> trimmed = List.of();
        long floor = revision - options.historyRetention();
        if (floor > 0) {
            Long oldest;
            while ((oldest = d.log.firstKey()) != null && oldest <= floor) {
                if (trimmed.isEmpty()) {
                    trimmed = new ArrayList<>(1);
                }
                trimmed.add(Map.entry(oldest, d.log.remove(oldest)));
            }
        }
        d.undo.put(revision, new Undo(key, before, trimmed));
        d.applied = revision;
    }

    private interface Mutation<T> {
        T apply(Db d);
    }

    private <T> T write(Mutation<T> mutation) {
        Db d = ensureOpen();
        T result = null;
        CasConflictException conflict = null;
        long target;
        applyLock.lock();
        try {
            if (closed || d.failure != null) {
                throw unavailable(closed ? new IllegalStateException("the store is closed") : d.failure);
            }
            try {
                result = mutation.apply(d);
            } catch (CasConflictException e) {
                conflict = e; // raised before anything was changed
            } catch (RuntimeException | Error e) {
                fail(d, e);
                throw unavailable(d.failure);
            }
            target = d.applied;
        } finally {
            applyLock.unlock();
        }
        // also for a conflict or a no-op: report only what is durable
        awaitDurable(d, target);
        if (conflict != null) {
            throw conflict;
        }
        return result;
    }

    /**
     * Returns once {@code revision} is on disk. The first writer to find no commit running leads: it commits and
     * forces everything applied so far. The others wait for the leader's signal rather than queueing on the lock, so
     * that a writer already covered returns at once instead of waiting behind the next commit.
     */
    private void awaitDurable(Db d, long revision) {
        boolean interrupted = false;
        try {
            while (d.durable < revision) {
                if (syncLock.tryLock()) {
                    try {
                        if (d.durable < revision) {
                            commitAndSync(d);
                        }
                    } finally {
                        unlockSync();
                    }
                    continue;
                }
                synchronized (durableSignal) {
                    waiting++;
                    try {
                        while (d.durable < revision && d.failure == null && syncLock.isLocked()) {
                            try {
                                durableSignal.wait();
                            } catch (InterruptedException e) {
                                // the change is applied: the caller must learn whether it became durable, which
                                // takes one fsync at most
                                interrupted = true;
                            }
                        }
                    } finally {
                        waiting--;
                    }
                }
                if (d.failure != null && d.durable < revision) {
                    throw unavailable(d.failure);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Releases syncLock and wakes the writers waiting for a commit (covered now, or free to lead the next). */
    private void unlockSync() {
        syncLock.unlock();
        synchronized (durableSignal) {
            durableSignal.notifyAll();
        }
    }

    /** Commits all that is applied, forces it to disk and publishes it. Caller holds syncLock. */
    private void commitAndSync(Db d) {
        View view;
        long target;
        applyLock.lock();
        try {
            if (d.failure != null) {
                throw unavailable(d.failure);
            }
            target = d.applied;
            d.undo.headMap(d.durable, true).clear(); // durable since the previous commit: never undone
            try {
                if (d.mv.hasUnsavedChanges()) {
                    d.mv.commit();
                }
                view = new View(d, d.data.flushAndGetRoot(), d.log.flushAndGetRoot(), target,
                        d.mv.registerVersionUsage());
            } catch (RuntimeException | Error e) {
                fail(d, e);
                throw unavailable(d.failure);
            }
        } finally {
            applyLock.unlock();
        }
        try {
            d.mv.sync();
        } catch (RuntimeException | Error e) {
            view.release();
            applyLock.lock();
            try {
                fail(d, e);
            } finally {
                applyLock.unlock();
            }
            throw unavailable(d.failure);
        }
        syncs.increment();
        View old = d.view;
        d.view = view;
        d.durable = target;
        if (old != null) {
            old.release();
        }
        dispatcher.wake();
    }

    /** Gives up on {@code d}: what was not durable is lost, the next call reopens the file. Caller holds applyLock. */
    private void fail(Db d, Throwable cause) {
        if (d.failure != null) {
            return;
        }
        d.failure = cause;
        LOG.error("Config store {} failed at revision {} (writes after it are discarded); it reopens on the next call",
                path, d.durable, cause);
        try {
            d.mv.closeImmediately();
        } catch (RuntimeException e) {
            LOG.debug("closing the failed store", e);
        }
        synchronized (durableSignal) {
            durableSignal.notifyAll();
        }
        dispatcher.wake();
    }

    private <T> T read(Function<View, T> query) {
        while (true) {
            Db d = ensureOpen();
            View v = d.view;
            if (v == null || !v.tryAcquire()) {
                if (d.failure != null || closed) {
                    throw unavailable(closed ? new IllegalStateException("the store is closed") : d.failure);
                }
                continue; // replaced by a newer view meanwhile
            }
            try {
                return query.apply(v);
            } catch (MVStoreException | IllegalStateException e) {
                applyLock.lock();
                try {
                    fail(d, e);
                } finally {
                    applyLock.unlock();
                }
                throw unavailable(d.failure); // the first failure says why, not "this store is closed"
            } finally {
                v.release();
            }
        }
    }

    private Db ensureOpen() {
        Db current = db;
        if (current != null && current.failure == null) {
            return current;
        }
        if (closed) {
            throw unavailable(new IllegalStateException("the store is closed"));
        }
        syncLock.lock();
        applyLock.lock();
        try {
            current = db;
            if (current != null && current.failure == null) {
                return current;
            }
            if (closed) {
                throw unavailable(new IllegalStateException("the store is closed"));
            }
            long now = System.nanoTime();
            if (lastOpenFailure != null && now - lastOpenAttempt < REOPEN_INTERVAL_NANOS) {
                throw unavailable(lastOpenFailure);
            }
            lastOpenAttempt = now;
            try {
                Db opened = openDb(current);
                if (current != null) {
                    LOG.info("Config store {} recovered at revision {}", path, opened.durable);
                }
                db = opened;
                lastOpenFailure = null;
                dispatcher.wake();
                return opened;
            } catch (RuntimeException | Error e) {
                if (lastOpenFailure == null) {
                    LOG.warn("Config store {} cannot be opened: {}", path, describe(e));
                }
                lastOpenFailure = e;
                throw unavailable(e);
            }
        } finally {
            applyLock.unlock();
            unlockSync();
        }
    }

    /**
     * @param failed after a failure in this process, the opening that failed: changes above its last durable revision
     *               that reached the file (a commit whose write got there but whose fsync failed) were never
     *               acknowledged, and are undone so that a refused write is never found later; null on a first open
     */
    private Db openDb(Db failed) {
        boolean created;
        try {
            Files.createDirectories(path.getParent());
            created = !Files.exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!created && Files.exists(openMarker())) {
            recover();
        }
        MVStore mv = builder().open();
        try {
            mv.setRetentionTime(CHUNK_RETENTION_MILLIS);
            MVMap<String, String> meta = mv.openMap(META_MAP,
                    new MVMap.Builder<String, String>().keyType(StringDataType.INSTANCE)
                            .valueType(StringDataType.INSTANCE));
            String format = meta.get("format");
            if (format == null) {
                meta.put("format", FORMAT);
            } else if (!FORMAT.equals(format)) {
                throw new IllegalStateException("store format " + format + " is not " + FORMAT);
            }
            MVMap<String, byte[]> data = mv.openMap(DATA_MAP,
                    new MVMap.Builder<String, byte[]>().keyType(StringDataType.INSTANCE)
                            .valueType(ByteArrayDataType.INSTANCE));
            MVMap<Long, byte[]> log = mv.openMap(CHANGES_MAP,
                    new MVMap.Builder<Long, byte[]>().keyType(LongDataType.INSTANCE)
                            .valueType(ByteArrayDataType.INSTANCE));
            Db d = new Db(mv, data, log);
            if (failed != null) {
                undoUnacknowledged(failed, data, log);
            }
            Long newest = log.lastKey();
            d.applied = newest == null ? 0 : newest;
            if (mv.hasUnsavedChanges()) {
                mv.commit();
            }
            mv.sync();
            if (!Files.exists(openMarker())) {
                Files.createFile(openMarker());
                created = true;
            }
            if (created) {
                syncDirectory(path.getParent());
            }
            d.durable = d.applied;
            d.view = new View(d, data.flushAndGetRoot(), log.flushAndGetRoot(), d.applied, mv.registerVersionUsage());
            return d;
        } catch (IOException e) {
            mv.closeImmediately();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            mv.closeImmediately();
            throw e;
        }
    }

    /**
     * Undoes, newest first, every change in the reopened file above the last revision {@code failed} made durable.
     * Caller holds applyLock.
     */
    private void undoUnacknowledged(Db failed, MVMap<String, byte[]> data, MVMap<Long, byte[]> log) {
        Long newest = log.lastKey();
        long kept = failed.durable;
        if (newest == null || newest <= kept) {
            if ((newest == null ? 0 : newest) < kept) {
                // cannot happen while every commit is forced before it is acknowledged; say so loudly if it does
                LOG.error("Config store {} reopened at revision {}, below its acknowledged revision {}", path,
                        newest == null ? 0 : newest, kept);
            }
            return;
        }
        for (long revision = newest; revision > kept; revision--) {
            Undo u = failed.undo.get(revision);
            if (u == null) {
                throw new IllegalStateException("revision " + revision + " is in the file but was never applied by "
                        + "this store; cannot undo it");
            }
            if (u.before() == null) {
                data.remove(u.key());
            } else {
                data.put(u.key(), u.before());
            }
            log.remove(revision);
            for (Map.Entry<Long, byte[]> t : u.trimmed()) {
                log.put(t.getKey(), t.getValue());
            }
        }
        LOG.warn("Config store {}: undid revisions {}..{}, written but never acknowledged", path, kept + 1, newest);
    }

    private MVStore.Builder builder() {
        return new MVStore.Builder().fileName(UninterruptibleFilePath.fileName(fileName)).autoCommitDisabled()
                .backgroundExceptionHandler((t, e) -> LOG.debug("Config store {}: MVStore reported {}", path, e.toString()));
    }

    /**
     * Present from the first open until a clean close. MVStore reuses the space of dead chunks, and after an
     * unclean stop its quick start finds only chunks it can reach from the file header or the end of the file; a
     * newer chunk written into reused space can be missed, and with it acknowledged writes. So after an unclean stop
     * the file is opened once in recovery mode (which scans every block for the newest complete set of chunks) and
     * closed cleanly, which points the header at that chunk; then it is opened as usual.
     */
    private Path openMarker() {
        return path.resolveSibling(path.getFileName() + ".open");
    }

    private void recover() {
        LOG.warn("Config store {} was not closed cleanly; scanning it for the newest complete commit", path);
        long t0 = System.nanoTime();
        MVStore scan = builder().recoveryMode().open();
        try {
            scan.close();
        } catch (RuntimeException | Error e) {
            scan.closeImmediately();
            throw e;
        }
        LOG.info("Config store {} recovered in {} ms", path, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Makes a new file's directory entry durable too. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot fsync directory {} (not supported here)", dir, e);
        }
    }

    private void compactQuietly() {
        try {
            compact();
        } catch (RuntimeException e) {
            LOG.warn("Config store {}: compaction failed: {}", path, describe(e));
        }
    }

    /**
     * Rewrites sparse chunks (those below {@value #COMPACT_FILL_RATE}% live) so their space can be reused, then
     * commits and syncs. Writers wait meanwhile; the work per run is bounded.
     *
     * @return whether anything was rewritten
     */
    boolean compact() {
        Db d = db;
        if (d == null || d.failure != null || closed) {
            return false;
        }
        syncLock.lock();
        try {
            boolean rewritten;
            int fillBefore;
            applyLock.lock();
            try {
                if (d.failure != null) {
                    return false;
                }
                fillBefore = d.mv.getFillRate();
                try {
                    rewritten = d.mv.compact(COMPACT_FILL_RATE, COMPACT_WRITE_BYTES);
                } catch (RuntimeException | Error e) {
                    fail(d, e);
                    throw unavailable(e);
                }
            } finally {
                applyLock.unlock();
            }
            commitAndSync(d);
            if (rewritten) {
                LOG.debug("Config store {} compacted: fill rate {}% -> {}%", path, fillBefore, d.mv.getFillRate());
            }
            return rewritten;
        } finally {
            unlockSync();
        }
    }

    /** The MVStore's own fill-rate estimate (percentage of live data in the file). */
    int fillRate() {
        Db d = ensureOpen();
        return d.mv.getFillRate();
    }

    private StoreUnavailableException unavailable(Throwable cause) {
        return new StoreUnavailableException(BACKEND, path + ": " + describe(cause), cause);
    }

    /** The failure in one line: its message, and the root cause's when that says more. */
    private static String describe(Throwable e) {
        if (e instanceof StoreUnavailableException && e.getCause() != null) {
            return describe(e.getCause());
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = messageOf(e);
        return root == e || message.contains(messageOf(root)) ? message : message + " (" + messageOf(root) + ")";
    }

    private static String messageOf(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** One opening of the file. */
    /** The record {@code key} had before a change ({@code null}: none) and the feed entries its append trimmed. */
    private record Undo(String key, byte[] before, List<Map.Entry<Long, byte[]>> trimmed) {
    }

    private static final class Db {
        final MVStore mv;
        final MVMap<String, byte[]> data;
        final MVMap<Long, byte[]> log;
        /** The revision of the newest change applied to the maps; guarded by applyLock. */
        long applied;
        /** The revision of the newest change on disk. */
        volatile long durable;
        /**
         * What undoes each change applied but maybe not durable yet, by revision; guarded by applyLock. Entries up to
         * {@link #durable} are dropped by the next commit.
         */
        final java.util.NavigableMap<Long, Undo> undo = new java.util.TreeMap<>();
        /** What readers see: the maps as of {@link #durable}. */
        volatile View view;
        /** Why this opening was given up; null while healthy. */
        volatile Throwable failure;

        Db(MVStore mv, MVMap<String, byte[]> data, MVMap<Long, byte[]> log) {
            this.mv = mv;
            this.data = data;
            this.log = log;
        }
    }

    /**
     * The maps' roots as of a durable revision. Reference-counted: the publisher holds one reference until the next
     * view replaces it, each read one while it runs; the last release unpins the MVStore version.
     */
    private static final class View {
        final Db db;
        final RootReference<String, byte[]> data;
        final RootReference<Long, byte[]> log;
        final long revision;
        private final MVStore.TxCounter pin;
        private final AtomicInteger refs = new AtomicInteger(1);

        View(Db db, RootReference<String, byte[]> data, RootReference<Long, byte[]> log, long revision,
                MVStore.TxCounter pin) {
            this.db = db;
            this.data = data;
            this.log = log;
            this.revision = revision;
            this.pin = pin;
        }

        boolean tryAcquire() {
            while (true) {
                int n = refs.get();
                if (n == 0) {
                    return false;
                }
                if (refs.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                try {
                    db.mv.deregisterVersionUsage(pin);
                } catch (RuntimeException e) {
                    LOG.trace("unpinning a version of a closed store", e);
                }
            }
        }
    }
}
