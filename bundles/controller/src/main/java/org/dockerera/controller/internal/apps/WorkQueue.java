package org.dockerera.controller.internal.apps;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A work queue keyed by app (as in Kubernetes controllers): {@link #kick} asks for a pass over one app; passes of one
 * app never overlap (a kick during a pass runs one more pass right after it), different apps run in parallel on a
 * small pool. A pass answers when it wants to run again if nothing happens before; a failing pass is retried with
 * back-off.
 */
final class WorkQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** One pass over one app; answers when to run again (null: only on a kick). */
    interface Worker {
        Instant pass(String key) throws Exception;
    }

    private final Worker worker;
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private volatile boolean closed;

    WorkQueue(Worker worker, int threads) {
        this.worker = worker;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "dockerera-app-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dockerera-app-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs a pass over {@code key} soon. */
    void kick(String key) {
        if (closed) {
            return;
        }
        Slot s = slots.computeIfAbsent(key, k -> new Slot());
        synchronized (s) {
            if (s.running) {
                s.dirty = true;
                return;
            }
            s.running = true;
        }
        pool.execute(() -> run(key, s));
    }

    /** Runs a pass over {@code key} at {@code when} (or earlier, if kicked). */
    void kickAt(String key, Instant when) {
        if (closed || when == null) {
            return;
        }
        long delay = Math.max(0, Duration.between(Instant.now(), when).toMillis());
        Slot s = slots.computeIfAbsent(key, k -> new Slot());
        synchronized (s) {
            if (s.timerAt != null && !s.timerAt.isAfter(when)) {
                return; // a pending timer fires no later than that
            }
            if (s.timer != null) {
                s.timer.cancel(false);
            }
            s.timerAt = when;
            s.timer = timer.schedule(() -> {
                synchronized (s) {
                    s.timerAt = null; // fired: from now on a new kickAt schedules again
                }
                kick(key);
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    void forget(String key) {
        Slot s = slots.remove(key);
        if (s != null) {
            synchronized (s) {
                if (s.timer != null) {
                    s.timer.cancel(false);
                }
            }
        }
    }

    private void run(String key, Slot s) {
        while (!closed) {
            synchronized (s) {
                s.dirty = false;
            }
            Instant next;
            try {
                next = worker.pass(key);
                s.failures = 0;
            } catch (Exception | LinkageError e) {
                s.failures++;
                long backoff = Math.min(MAX_BACKOFF.toMillis(), 250L << Math.min(7, s.failures - 1));
                LOG.warn("pass over {} failed (attempt {}), again in {} ms: {}", key, s.failures, backoff,
                        e.toString(), e);
                next = Instant.now().plusMillis(backoff);
            }
            if (next != null) {
                kickAt(key, next);
            }
            synchronized (s) {
                if (!s.dirty) {
                    s.running = false;
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Slot {
        boolean running;
        boolean dirty;
        int failures;
        ScheduledFuture<?> timer;
        /** When the pending timer fires; null when none is pending. */
        Instant timerAt;
    }
}
