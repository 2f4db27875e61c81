package org.dockerera.store.facade.internal;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.dockerera.spi.store.ChangeBatch;
import org.dockerera.spi.store.ChangeListener;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.StoreHealth;
import org.dockerera.spi.store.StoreMigratingException;
import org.dockerera.spi.store.StoreUnavailableException;
import org.dockerera.spi.store.Watch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ConfigStore} consumers hold: every call goes to the active backend, which {@link #switchTo} replaces
 * atomically, so switching backends restarts no consumer.
 *
 * <p><b>Fence.</b> Writes hold the read side of {@code fence} while they run; {@link #fence} marks the facade as
 * migrating (new writes fail at once with {@link StoreMigratingException}) and then takes the write side, which waits
 * for the writes in flight. Reads are never fenced: they keep being served by the old backend during the copy.
 *
 * <p><b>Watches</b> are the facade's own: each wraps a watch on the active backend. A switch closes the inner watch,
 * tells the listener {@link ChangeListener#onResync} (revisions restart on another backend; the listener re-lists,
 * as after lost history) and watches the new backend from its current revision. Deliveries from a replaced inner
 * watch are dropped by generation.
 *
 * <p><b>Moved stores.</b> The facade watches the active backend for the {@link Moved} record a migration run by
 * another controller leaves behind. Once it is there, every call but {@link #health} answers {@code store-moved}:
 * the state lives elsewhere now, and this controller must neither serve the frozen copy nor act on it. The
 * controller that migrates writes the record itself, under its fence, and is never stopped by it.
 */
final class StoreFacade implements ConfigStore {
    private static final Logger LOG = LoggerFactory.getLogger(StoreFacade.class);

    /** The active backend; null while the configured one is not running. */
    private volatile ConfigStore active;
    /** The backend the configuration names (for messages while it is missing). */
    private volatile String wanted;
    private volatile String migratingTo;
    private final ReentrantReadWriteLock fence = new ReentrantReadWriteLock();
    private final Set<FacadeWatch> watches = ConcurrentHashMap.newKeySet();
    /** The moved-away record found in a backend, with that backend: effective while it is the active one. */
    private volatile MovedFrom moved;
    private final Object movedLock = new Object();
    /** Watches the active backend for {@link Moved#KEY}. */
    private Watch movedWatch;

    private record MovedFrom(ConfigStore store, Moved record) {
    }

    StoreFacade(String wanted) {
        this.wanted = wanted;
    }

    // ---- the switch ----

    ConfigStore active() {
        return active;
    }

    String wanted() {
        return wanted;
    }

    void want(String backend) {
        this.wanted = backend;
    }

    /** Makes {@code next} (may be null: none running) the backend every call goes to; watches move with it. */
    void switchTo(ConfigStore next) {
        ConfigStore previous;
        synchronized (this) {
            previous = active;
            if (previous == next) {
                return;
            }
            active = next;
            if (next != null) {
                wanted = next.backend();
            }
        }
        LOG.info("Config store: {} -> {}", previous == null ? "none" : previous.backend(),
                next == null ? "none (" + wanted + " is not running)" : next.backend());
        for (FacadeWatch w : watches) {
            w.moveTo(next);
        }
        watchForMoved(next);
    }

    /** Stops following the active backend's {@link Moved} record (the facade is being dropped). */
    void close() {
        Watch w;
        synchronized (this) {
            w = movedWatch;
            movedWatch = null;
        }
        if (w != null) {
            w.close();
        }
    }

    /** Follows {@link Moved#KEY} in {@code store}: a watch first, then a read, so that no record is missed. */
    private void watchForMoved(ConfigStore store) {
        Watch old;
        synchronized (this) {
            old = movedWatch;
            movedWatch = null;
        }
        if (old != null) {
            old.close();
        }
        if (store == null) {
            return;
        }
        long rev;
        try {
            rev = store.revision();
        } catch (RuntimeException e) {
            rev = 0;
        }
        Watch w;
        try {
            w = store.watch(Moved.KEY, rev, movedListener(store));
        } catch (RuntimeException e) {
            LOG.warn("Config store {}: cannot watch for a moved-away record ({}); looked for once only",
                    store.backend(), e.toString());
            checkMoved(store);
            return;
        }
        synchronized (this) {
            if (active == store && movedWatch == null) {
                movedWatch = w;
                w = null;
            }
        }
        if (w != null) {
            w.close();
            return;
        }
        checkMoved(store);
    }

    private ChangeListener movedListener(ConfigStore store) {
        return new ChangeListener() {
            @Override
            public void onChange(org.dockerera.spi.store.Change change) {
                if (change.key().equals(Moved.KEY)) {
                    if (change.type() == org.dockerera.spi.store.Change.Type.PUT) {
                        movedAway(store, change.value());
                    } else {
                        movedBack(store);
                    }
                }
            }

            @Override
            public void onResync(long revision) {
                checkMoved(store);
            }

            @Override
            public void onError(Throwable error) {
                // the watch resumes by itself; a record written meanwhile is delivered then
            }
        };
    }

    private void checkMoved(ConfigStore store) {
        try {
            store.get(Moved.KEY).ifPresentOrElse(e -> movedAway(store, e.value()), () -> movedBack(store));
        } catch (RuntimeException e) {
            LOG.debug("Config store {}: could not look for a moved-away record now: {}", store.backend(), e.toString());
        }
    }

    /** Takes effect only while {@code store} is active and this facade is not the one migrating away from it. */
    private void movedAway(ConfigStore store, byte[] value) {
        if (active != store || migratingTo != null) {
            return;
        }
        Moved m = Moved.fromJson(value);
        MovedFrom was;
        synchronized (movedLock) {
            was = moved;
            moved = new MovedFrom(store, m);
        }
        if (was == null || was.store() != store) {
            LOG.error("Config store: {}. Every call answers store-moved until then.", m.describe(store.backend()));
        }
    }

    /** The record is gone (state was migrated back into this store, with force): the store is usable again. */
    private void movedBack(ConfigStore store) {
        synchronized (movedLock) {
            MovedFrom m = moved;
            if (m == null || m.store() != store) {
                return;
            }
            moved = null;
        }
        LOG.info("Config store {}: the moved-away record is gone; the store is used again", store.backend());
    }

    /** Refuses new writes and waits for those in flight; {@link #unfence} lifts it. */
    void fence(String to) {
        migratingTo = to;
        fence.writeLock().lock();
    }

    void unfence() {
        migratingTo = null;
        if (fence.isWriteLockedByCurrentThread()) {
            fence.writeLock().unlock();
        }
    }

    private ConfigStore store() {
        ConfigStore s = active;
        if (s == null) {
            throw new StoreUnavailableException(wanted, "that backend is not running (install or start its feature,"
                    + " e.g. feature:install dockerera-store-" + wanted + ", or check etc/org.dockerera.store.cfg)", null);
        }
        MovedFrom m = moved;
        if (m != null && m.store() == s) {
            throw m.record().refusal(s.backend());
        }
        return s;
    }

    private void enterWrite() {
        String to = migratingTo;
        if (to != null || !fence.readLock().tryLock()) {
            ConfigStore s = active;
            throw new StoreMigratingException(s == null ? wanted : s.backend(), to == null ? "another backend" : to);
        }
        if (migratingTo != null) {
            fence.readLock().unlock();
            throw new StoreMigratingException(store().backend(), migratingTo);
        }
    }

    // ---- ConfigStore ----

    @Override
    public String backend() {
        ConfigStore s = active;
        return s == null ? wanted : s.backend();
    }

    @Override
    public Optional<Entry> get(String key) {
        return store().get(key);
    }

    @Override
    public Entry put(String key, byte[] value, long expectedVersion) {
        enterWrite();
        try {
            return store().put(key, value, expectedVersion);
        } finally {
            fence.readLock().unlock();
        }
    }

    @Override
    public boolean delete(String key, long expectedVersion) {
        enterWrite();
        try {
            return store().delete(key, expectedVersion);
        } finally {
            fence.readLock().unlock();
        }
    }

    @Override
    public List<Entry> list(String prefix) {
        return store().list(prefix);
    }

    @Override
    public long revision() {
        return store().revision();
    }

    @Override
    public ChangeBatch changes(String prefix, long afterRevision, int limit) {
        return store().changes(prefix, afterRevision, limit);
    }

    @Override
    public Watch watch(String prefix, long afterRevision, ChangeListener listener) {
        FacadeWatch w = new FacadeWatch(prefix, listener);
        synchronized (this) {
            ConfigStore s = store();
            w.start(s, afterRevision);
            watches.add(w);
        }
        return w;
    }

    @Override
    public StoreHealth health() {
        ConfigStore s = active;
        if (s == null) {
            return new StoreHealth(wanted, "", -1, false, "the " + wanted + " backend is not running");
        }
        StoreHealth h = s.health();
        MovedFrom m = moved;
        if (m != null && m.store() == s) {
            return new StoreHealth(h.backend(), h.endpoint(), h.revision(), false, m.record().describe(h.backend()));
        }
        String to = migratingTo;
        return to == null ? h : new StoreHealth(h.backend(), h.endpoint(), h.revision(), h.up(),
                "migrating to " + to + " (writes paused)");
    }

    /** A watch that survives backend switches. */
    private final class FacadeWatch implements Watch {
        private final String prefix;
        private final ChangeListener listener;
        private Watch inner;
        private long generation;
        private boolean closed;

        FacadeWatch(String prefix, ChangeListener listener) {
            this.prefix = prefix;
            this.listener = listener;
        }

        synchronized void start(ConfigStore s, long after) {
            long gen = ++generation;
            inner = s.watch(prefix, after, new Forward(gen));
        }

        void moveTo(ConfigStore next) {
            Watch old;
            long gen;
            synchronized (this) {
                if (closed) {
                    return;
                }
                old = inner;
                inner = null;
                gen = ++generation;
            }
            if (old != null) {
                old.close();
            }
            if (next == null) {
                return;
            }
            long rev;
            try {
                rev = next.revision();
            } catch (RuntimeException e) {
                listener.onError(e);
                rev = 0;
            }
            listener.onResync(rev);
            Watch w = next.watch(prefix, rev, new Forward(gen));
            synchronized (this) {
                if (!closed && generation == gen) {
                    inner = w;
                    return;
                }
            }
            w.close();
        }

        private synchronized boolean current(long gen) {
            return !closed && generation == gen;
        }

        @Override
        public void close() {
            Watch w;
            synchronized (this) {
                closed = true;
                w = inner;
                inner = null;
            }
            watches.remove(this);
            if (w != null) {
                w.close();
            }
        }

        /** Delivers from one generation's inner watch only. */
        private final class Forward implements ChangeListener {
            private final long gen;

            Forward(long gen) {
                this.gen = gen;
            }

            @Override
            public void onChange(org.dockerera.spi.store.Change change) {
                if (current(gen)) {
                    listener.onChange(change);
                }
            }

            @Override
            public void onResync(long revision) {
                if (current(gen)) {
                    listener.onResync(revision);
                }
            }

            @Override
            public void onError(Throwable error) {
                if (current(gen)) {
                    listener.onError(error);
                }
            }
        }
    }
}
