package org.dockerera.store.redis.internal;

import static org.dockerera.store.redis.internal.RedisConfigStore.bytes;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.dockerera.spi.store.Change;
import org.dockerera.spi.store.ChangeBatch;
import org.dockerera.spi.store.ChangeListener;
import org.dockerera.spi.store.HistoryGoneException;
import org.dockerera.spi.store.Watch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One watch: a thread of its own with a connection of its own. It catches up through the store's change-feed script
 * (which filters by prefix and says when the history is gone), then waits for the next stream entry with
 * {@code XREAD BLOCK} on the revision it has scanned up to, and catches up again. Because the feed is the stream
 * itself, nothing written while the watch was away (or Redis was down) is missed, and nothing is delivered twice:
 * the watch resumes from the last revision it scanned.
 *
 * <p>When the history it needs was trimmed, the listener hears {@link ChangeListener#onResync} with the current
 * revision and delivery continues after it; likewise when Redis comes back with an older revision than the watch had
 * seen (its data was lost or flushed). When Redis cannot be reached the listener hears {@link ChangeListener#onError}
 * once per outage and the thread reconnects with back-off ({@value #MIN_BACKOFF_MS} ms doubling to
 * {@value #MAX_BACKOFF_MS} ms). A listener that throws is logged; delivery goes on.
 */
final class RedisWatch implements Watch {
    private static final Logger LOG = LoggerFactory.getLogger(RedisWatch.class);
    static final int BATCH = 512;
    static final int BLOCK_MS = 2000;
    static final long MIN_BACKOFF_MS = 50;
    static final long MAX_BACKOFF_MS = 2000;

    private final RedisConfigStore store;
    private final String prefix;
    private final ChangeListener listener;
    private final Thread thread;
    private final Object wakeup = new Object();
    /** The revision the watch has read the feed up to (delivered every match until here). Watch thread only. */
    private long scanned;
    private volatile Jedis connection;
    private volatile boolean closed;

    RedisWatch(RedisConfigStore store, String prefix, long afterRevision, ChangeListener listener, String name) {
        this.store = store;
        this.prefix = prefix;
        this.listener = listener;
        this.scanned = afterRevision;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long backoff = MIN_BACKOFF_MS;
        boolean failing = false;
        try {
            while (!closed) {
                try {
                    Jedis j = connection;
                    if (j == null || j.isBroken()) {
                        closeQuietly(j);
                        j = store.newWatchConnection(BLOCK_MS);
                        connection = j;
                        if (closed) {
                            break;
                        }
                    }
                    catchUp(j);
                    if (failing) {
                        LOG.info("Watch on '{}' reconnected to {}; resumed after revision {}", prefix,
                                store.options().endpoint(), scanned);
                        failing = false;
                    }
                    backoff = MIN_BACKOFF_MS;
                    // wait for an entry after what was scanned; an answer or a timeout both lead to a catch-up
                    j.sendCommand(Protocol.Command.XREAD, bytes("COUNT"), bytes("1"), bytes("BLOCK"),
                            bytes(Integer.toString(BLOCK_MS)), bytes("STREAMS"), store.logKey(),
                            bytes(scanned + "-0"));
                } catch (JedisException | IllegalStateException e) {
                    if (closed) {
                        break;
                    }
                    closeQuietly(connection);
                    connection = null;
                    if (!failing) {
                        failing = true;
                        LOG.warn("Watch on '{}' lost {}: {}; reconnecting", prefix, store.options().endpoint(),
                                RedisConfigStore.describe(e));
                        RuntimeException error = store.unavailable(e);
                        deliver(l -> l.onError(error));
                    }
                    synchronized (wakeup) {
                        if (!closed) {
                            wakeup.wait(backoff);
                        }
                    }
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                }
            }
        } catch (InterruptedException e) {
            LOG.debug("watch on '{}' interrupted", prefix);
        } finally {
            closeQuietly(connection);
            connection = null;
        }
    }

    /** Delivers everything after {@link #scanned} that the feed holds now. */
    private void catchUp(Jedis j) {
        while (!closed) {
            ChangeBatch batch;
            try {
                batch = store.changes(j, prefix, scanned, BATCH);
            } catch (HistoryGoneException gone) {
                long current = gone.currentRevision();
                LOG.info("Watch on '{}' fell behind the retained history (needed {}, oldest {}); resyncing at {}",
                        prefix, gone.requested(), gone.oldestAvailable(), current);
                resync(current);
                continue;
            }
            if (batch.revision() < scanned && batch.changes().isEmpty()) {
                LOG.warn("Watch on '{}': the store is at revision {}, behind the {} already seen (Redis lost or "
                        + "flushed its data); resyncing", prefix, batch.revision(), scanned);
                resync(batch.revision());
                continue;
            }
            for (Change c : batch.changes()) {
                if (!deliver(l -> l.onChange(c))) {
                    return;
                }
                scanned = c.revision();
            }
            if (batch.changes().size() < BATCH) {
                scanned = Math.max(scanned, batch.revision());
                return;
            }
        }
    }

    private void resync(long revision) {
        if (deliver(l -> l.onResync(revision))) {
            scanned = revision;
        }
    }

    /** Calls the listener unless closed. @return false when closed */
    private synchronized boolean deliver(Consumer<ChangeListener> event) {
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

    /**
     * Stops delivery: after this returns no listener call of this watch is running or will start (unless called
     * from the listener itself). Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) { // waits for a listener call in progress
            if (closed) {
                return;
            }
            closed = true;
        }
        store.forget(this);
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
        Jedis j = connection;
        if (j != null && Thread.currentThread() != thread) {
            closeQuietly(j); // ends a blocked XREAD at once
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(Jedis j) {
        if (j != null) {
            try {
                j.disconnect();
            } catch (RuntimeException ignored) {
                // closing a broken connection
            }
        }
    }

    @Override
    public String toString() {
        return "RedisWatch[" + prefix + " @" + scanned + "]";
    }
}
