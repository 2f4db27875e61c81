package org.dockerera.store.couchbase.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

import org.dockerera.spi.store.Change;
import org.dockerera.spi.store.ChangeBatch;
import org.dockerera.spi.store.ChangeListener;
import org.dockerera.spi.store.HistoryGoneException;
import org.dockerera.spi.store.StoreUnavailableException;
import org.dockerera.spi.store.Watch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watches of one store, served by one thread: every poll interval (or at once after a write through this
 * store) it reads the revision counter; when it moved, it settles the watermark and delivers each watch's changes
 * after its cursor, in revision order, up to the watermark. A history gap becomes {@link ChangeListener#onResync};
 * an outage one {@link ChangeListener#onError} per watch, after which the thread keeps polling and carries on from
 * each cursor when Couchbase is back. A listener that throws is logged and keeps its watch.
 */
final class Watches {
    private static final Logger LOG = LoggerFactory.getLogger(Watches.class);
    private static final int PAGE = 256;

    private final CouchbaseConfigStore store;
    private final long pollNanos;
    private final String threadName;
    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private volatile Thread thread;
    private volatile boolean stopped;
    private volatile boolean woken;

    Watches(CouchbaseConfigStore store, Duration poll, String threadName) {
        this.store = store;
        this.pollNanos = poll.toNanos();
        this.threadName = threadName;
    }

    private final class Registration implements Watch {
        final String prefix;
        final ChangeListener listener;
        long cursor;
        boolean failing;
        volatile boolean closed;

        Registration(String prefix, long cursor, ChangeListener listener) {
            this.prefix = prefix;
            this.cursor = cursor;
            this.listener = listener;
        }

        @Override
        public void close() {
            closed = true;
            registrations.remove(this);
        }
    }

    Watch add(String prefix, long after, ChangeListener listener) {
        Registration r = new Registration(prefix, after, listener);
        registrations.add(r);
        startIfNeeded();
        wake();
        return r;
    }

    private synchronized void startIfNeeded() {
        if (thread == null && !stopped) {
            Thread t = new Thread(this::run, threadName);
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    void wake() {
        woken = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    void stop() {
        stopped = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        long lastCounter = -1;
        while (!stopped && !Thread.currentThread().isInterrupted()) {
            woken = false;
            if (!registrations.isEmpty()) {
                try {
                    long counter = store.call(store::readCounter);
                    long known = store.knownRevision();
                    long settled = counter == lastCounter && known >= counter ? known
                            : store.call(() -> store.settle(counter));
                    lastCounter = counter;
                    for (Registration r : registrations) {
                        deliver(r, settled);
                    }
                } catch (StoreUnavailableException e) {
                    lastCounter = -1;
                    for (Registration r : registrations) {
                        if (!r.failing && !r.closed) {
                            r.failing = true;
                            try {
                                r.listener.onError(e);
                            } catch (RuntimeException listenerFailure) {
                                LOG.warn("watch listener failed in onError", listenerFailure);
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Couchbase config store watch: {}", e.toString(), e);
                }
            }
            if (!woken) {
                LockSupport.parkNanos(this, pollNanos);
            }
        }
    }

    private void deliver(Registration r, long settled) {
        while (!r.closed && r.cursor < settled) {
            ChangeBatch batch;
            try {
                long cursor = r.cursor;
                batch = store.call(() -> store.scan(r.prefix, cursor, PAGE, settled));
            } catch (HistoryGoneException gone) {
                r.cursor = gone.currentRevision();
                try {
                    r.listener.onResync(gone.currentRevision());
                } catch (RuntimeException e) {
                    LOG.warn("watch listener failed in onResync", e);
                }
                return;
            }
            r.failing = false;
            for (Change c : batch.changes()) {
                if (r.closed) {
                    return;
                }
                try {
                    r.listener.onChange(c);
                } catch (RuntimeException e) {
                    LOG.warn("watch listener on '{}' failed on {}; the watch goes on", r.prefix, c, e);
                }
                r.cursor = c.revision();
            }
            if (batch.changes().size() < PAGE) {
                r.cursor = settled;
            }
        }
    }
}
