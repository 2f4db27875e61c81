package org.dockerera.controller.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dockerera.api.HostStatus;
import org.dockerera.spi.provider.ContainerEvent;
import org.dockerera.spi.provider.EngineInfo;
import org.dockerera.spi.provider.HostConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats every tracked host on its own schedule and derives up/down with {@link HostHealth}. Each heartbeat runs
 * on its own pooled thread and is bounded by the connection's call timeout, so a hung host delays nobody else; at
 * most one heartbeat per host is in flight. Each up host's event stream is followed so container deaths are seen
 * without polling, and a broken stream triggers an immediate heartbeat.
 */
final class HostMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostMonitor.class);
    private static final int MAX_FAILURES = 3;

    /** What the monitor tells its owner. Called from monitor threads. */
    interface Listener {
        void statusChanged(String hostId, HostStatus status, String why);

        void containerEvent(String hostId, ContainerEvent event);
    }

    /** The live view of one host. */
    record LiveState(HostStatus status, EngineInfo engine, Instant lastSeen, String error) {
    }

    private final Clock clock;
    private final Duration interval;
    private final Duration downAfter;
    private final Listener listener;
    private final Map<String, Tracked> hosts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private final ExecutorService calls;

    HostMonitor(Clock clock, Duration interval, Duration downAfter, Listener listener) {
        this.clock = clock;
        this.interval = interval;
        this.downAfter = downAfter;
        this.listener = listener;
        this.ticker = Executors.newSingleThreadScheduledExecutor(named("dockerera-host-monitor"));
        this.calls = Executors.newCachedThreadPool(named("dockerera-heartbeat"));
        long tickMs = Math.max(100, Math.min(interval.toMillis(), downAfter.toMillis()) / 4);
        ticker.scheduleWithFixedDelay(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
    }

    /** Starts monitoring; {@code initial} is the info just read by the caller, or null if not contacted yet. */
    void track(String hostId, HostConnection connection, EngineInfo initial) {
        Tracked t = new Tracked(hostId, connection, clock.instant());
        if (initial != null) {
            t.succeeded(initial, clock.instant());
        }
        Tracked old = hosts.put(hostId, t);
        if (old != null) {
            old.close();
        }
        evaluate(t);
        if (initial == null) {
            calls.execute(() -> heartbeat(t));
        }
    }

    /**
     * Starts monitoring a host nobody tracks yet, with a connection from {@code connect}; leaves a tracked one as it
     * is (so a concurrent {@link #track} with fresh engine info is never replaced by an unknown state).
     */
    void trackIfAbsent(String hostId, java.util.function.Supplier<HostConnection> connect) {
        Tracked[] created = new Tracked[1];
        hosts.computeIfAbsent(hostId, id -> {
            created[0] = new Tracked(id, connect.get(), clock.instant());
            return created[0];
        });
        if (created[0] != null) {
            Tracked t = created[0];
            evaluate(t);
            calls.execute(() -> heartbeat(t));
        }
    }

    void untrack(String hostId) {
        Tracked t = hosts.remove(hostId);
        if (t != null) {
            t.close();
        }
    }

    Optional<LiveState> state(String hostId) {
        Tracked t = hosts.get(hostId);
        return t == null ? Optional.empty() : Optional.of(t.snapshot());
    }

    /** Whether the monitor has a verdict on the host: it answered once, or was announced down. */
    boolean known(String hostId) {
        Tracked t = hosts.get(hostId);
        if (t == null) {
            return false;
        }
        synchronized (t) {
            return t.announced != null;
        }
    }

    java.util.Set<String> trackedIds() {
        return java.util.Set.copyOf(hosts.keySet());
    }

    Optional<HostConnection> connection(String hostId) {
        return Optional.ofNullable(hosts.get(hostId)).map(t -> t.connection);
    }

    private void tick() {
        Instant now = clock.instant();
        for (Tracked t : hosts.values()) {
            try {
                evaluate(t);
                if (t.due(now, interval) && t.inFlight.compareAndSet(0, 1)) {
                    calls.execute(() -> heartbeat(t));
                }
            } catch (RuntimeException e) {
                LOG.warn("host monitor tick failed for {}", t.hostId, e);
            }
        }
    }

    private void heartbeat(Tracked t) {
        t.inFlight.set(1);
        try {
            EngineInfo info = t.connection.info();
            t.succeeded(info, clock.instant());
            if (t.events == null && !t.closed) {
                followEvents(t);
            }
        } catch (RuntimeException e) {
            t.failed(e.getMessage(), clock.instant());
            LOG.debug("heartbeat to {} failed: {}", t.hostId, e.getMessage());
        } finally {
            t.inFlight.set(0);
        }
        evaluate(t);
    }

    private void followEvents(Tracked t) {
        try {
            t.events = t.connection.events(
                    event -> listener.containerEvent(t.hostId, event),
                    error -> {
                        t.events = null;
                        if (!t.closed) {
                            LOG.debug("event stream of {} broke: {}", t.hostId, error.toString());
                            t.nextDue = Instant.EPOCH; // heartbeat now: the daemon may be gone
                        }
                    });
        } catch (RuntimeException e) {
            LOG.debug("cannot follow events of {}: {}", t.hostId, e.getMessage());
        }
    }

    private void evaluate(Tracked t) {
        HostStatus status;
        String why;
        synchronized (t) {
            Instant now = clock.instant();
            Instant reference = t.lastSuccess != null ? t.lastSuccess : t.trackedSince;
            status = HostHealth.evaluate(reference, t.failures, now, downAfter, MAX_FAILURES);
            if (t.lastSuccess == null && status == HostStatus.UP) {
                // never contacted yet, still inside the grace period: report down but don't announce
                t.status = HostStatus.DOWN;
                return;
            }
            if (status == t.announced) {
                t.status = status;
                return;
            }
            t.status = status;
            t.announced = status;
            why = status == HostStatus.UP ? "answers again" : (t.error != null ? t.error : "no heartbeat");
        }
        LOG.info("host {} is {} ({})", t.hostId, status, why);
        if (status == HostStatus.DOWN && t.events != null) {
            t.closeEvents();
        }
        listener.statusChanged(t.hostId, status, why);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        hosts.values().forEach(Tracked::close);
        hosts.clear();
        calls.shutdownNow();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread th = new Thread(r, prefix + "-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
    }

    private static final class Tracked {
        final String hostId;
        final HostConnection connection;
        final Instant trackedSince;
        final AtomicInteger inFlight = new AtomicInteger();
        volatile AutoCloseable events;
        volatile boolean closed;
        volatile Instant nextDue = Instant.EPOCH;
        EngineInfo engine;
        Instant lastSuccess;
        int failures;
        String error = "not contacted yet";
        HostStatus status = HostStatus.DOWN;
        HostStatus announced;

        Tracked(String hostId, HostConnection connection, Instant trackedSince) {
            this.hostId = hostId;
            this.connection = connection;
            this.trackedSince = trackedSince;
        }

        boolean due(Instant now, Duration interval) {
            if (now.isBefore(nextDue)) {
                return false;
            }
            nextDue = now.plus(interval);
            return true;
        }

        synchronized void succeeded(EngineInfo info, Instant at) {
            engine = info;
            lastSuccess = at;
            failures = 0;
            error = null;
        }

        synchronized void failed(String why, Instant at) {
            failures++;
            error = why;
        }

        synchronized LiveState snapshot() {
            return new LiveState(status, engine, lastSuccess, status == HostStatus.DOWN ? error : null);
        }

        void closeEvents() {
            AutoCloseable e = events;
            events = null;
            if (e != null) {
                try {
                    e.close();
                } catch (Exception ignored) {
                    // the stream is already broken
                }
            }
        }

        void close() {
            closed = true;
            closeEvents();
            connection.close();
        }
    }
}
