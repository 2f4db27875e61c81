package org.dockerera.store.embedded.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.dockerera.spi.store.Change;
import org.dockerera.spi.store.ChangeBatch;
import org.dockerera.spi.store.ChangeListener;
import org.dockerera.spi.store.HistoryGoneException;
import org.dockerera.spi.store.StoreUnavailableException;
import org.dockerera.spi.store.Watch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a store's watches from one thread. The thread sleeps until the store publishes a durable commit (or a watch
 * is added), then brings every watch up to date by reading the change feed after the watch's position. A listener
 * that throws is logged and skipped; its watch goes on. While the store is down each watch hears
 * {@link ChangeListener#onError} once and the thread retries every {@value #RETRY_MILLIS} ms (which also reopens
 * the store). The thread starts with the first watch and ends with the store.
 */
final class WatchDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(WatchDispatcher.class);
    private static final int BATCH = 512;
    private static final long RETRY_MILLIS = 500;

    private final MVConfigStore store;
    private final String threadName;
    private final List<Registration> watches = new CopyOnWriteArrayList<>();
    private final Object signal = new Object();
    /** Guarded by signal. */
    private boolean signalled;
    private boolean stopped;
    private Thread thread;

    WatchDispatcher(MVConfigStore store, String threadName) {
        this.store = store;
        this.threadName = threadName;
    }

    Watch register(String prefix, long afterRevision, ChangeListener listener) {
        Registration r = new Registration(prefix, afterRevision, listener);
        synchronized (signal) {
            if (stopped) {
                throw new StoreUnavailableException(MVConfigStore.BACKEND, "the store is closed", null);
            }
            watches.add(r);
            if (thread == null) {
                thread = new Thread(this::run, threadName);
                thread.setDaemon(true);
                thread.start();
            }
            signalled = true;
            signal.notifyAll();
        }
        return r;
    }

    /** Something changed: a durable commit, a reopened store, a failure. */
    void wake() {
        synchronized (signal) {
            signalled = true;
            signal.notifyAll();
        }
    }

    /** Ends delivery; waits for a listener call in progress unless called from one. */
    void stop() {
        Thread t;
        synchronized (signal) {
            stopped = true;
            signal.notifyAll();
            t = thread;
        }
        for (Registration r : watches) {
            r.close();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
                if (t.isAlive()) {
                    LOG.warn("Watch dispatcher {} still busy in a listener after 10 s; interrupting it", threadName);
                    t.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        boolean retry = false;
        try {
            while (true) {
                synchronized (signal) {
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
                    while (!stopped && !signalled) {
                        if (!retry) {
                            signal.wait();
                        } else {
                            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                            if (left <= 0) {
                                break;
                            }
                            signal.wait(left);
                        }
                    }
                    if (stopped) {
                        return;
                    }
                    signalled = false;
                }
                retry = false;
                for (Registration r : watches) {
                    if (!deliver(r)) {
                        retry = true;
                    }
                }
            }
        } catch (InterruptedException e) {
            LOG.debug("watch dispatcher {} interrupted", threadName);
        }
    }

    /** Brings {@code r} up to date. @return false when the store is down and this must be tried again */
    private boolean deliver(Registration r) {
        while (!r.closed) {
            long newest = store.peekRevision();
            if (newest >= 0 && r.position >= newest) {
                return true;
            }
            ChangeBatch batch;
            try {
                batch = store.changes(r.prefix, r.position, BATCH);
                r.failing = false;
            } catch (HistoryGoneException gone) {
                long current = gone.currentRevision();
                LOG.info("Watch on '{}' fell behind the retained history (needed {}, oldest {}); resyncing at {}",
                        r.prefix, gone.requested(), gone.oldestAvailable(), current);
                if (!r.call(l -> l.onResync(current))) {
                    return true;
                }
                r.position = current;
                continue;
            } catch (RuntimeException e) {
                if (!r.failing) {
                    r.failing = true;
                    r.call(l -> l.onError(e));
                }
                return false;
            }
            for (Change c : batch.changes()) {
                if (!r.call(l -> l.onChange(c))) {
                    return true;
                }
                r.position = c.revision();
            }
            if (batch.changes().size() < BATCH) {
                r.position = Math.max(r.position, batch.revision());
                return true;
            }
        }
        return true;
    }

    private final class Registration implements Watch {
        final String prefix;
        final ChangeListener listener;
        /** The revision delivered up to; only the dispatcher thread touches it after construction. */
        long position;
        boolean failing;
        volatile boolean closed;

        Registration(String prefix, long position, ChangeListener listener) {
            this.prefix = prefix;
            this.position = position;
            this.listener = listener;
        }

        /** Calls the listener unless closed. @return false when closed */
        synchronized boolean call(Consumer<ChangeListener> event) {
            if (closed) {
                return false;
            }
            try {
                event.accept(listener);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                LOG.warn("A watch listener on '{}' failed; delivery goes on", prefix, t);
            }
            return true;
        }

        /** After this returns no listener call of this watch is running or will start (unless called from one). */
        @Override
        public void close() {
            synchronized (this) {
                closed = true;
            }
            watches.remove(this);
        }

        @Override
        public String toString() {
            return "Watch[" + prefix + " @" + position + "]";
        }
    }
}
