package org.dockerera.router.agent.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.HashMap;
import java.util.Map;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.dockerera.spi.router.TlsCertificate;
import org.dockerera.spi.router.RouterBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one router backend fed: registers it, follows the route table, applies every newer epoch and acknowledges
 * it, renews the lease while idle (every third of the lease), registers again when the controller forgot it, and
 * follows again with back-off when the feed breaks. While the controller is unreachable the backend keeps serving
 * its last table.
 */
final class BackendFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackendFeed.class);
    private static final long MAX_BACKOFF_MS = 10_000;

    private final RouterBackend backend;
    private final Fleet fleet;
    private final ScheduledExecutorService timer;
    private final Duration retry;
    private volatile String id;
    private volatile long leaseMs = 10_000;
    private volatile AutoCloseable feed;
    private volatile boolean closed;
    private ScheduledFuture<?> renewal;
    private int failures;
    private volatile Map<String, TlsCertificate> certs = Map.of();
    private final java.util.concurrent.atomic.AtomicReference<RouteTable> pending =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.ExecutorService applier;

    BackendFeed(RouterBackend backend, Fleet fleet, ScheduledExecutorService timer, Duration retry) {
        this.backend = backend;
        this.fleet = fleet;
        this.timer = timer;
        this.retry = retry;
        this.applier = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dockerera-router-apply-" + backend.type());
            t.setDaemon(true);
            return t;
        });
    }

    String id() {
        return id;
    }

    void start() {
        timer.execute(this::connect);
    }

    private synchronized void connect() {
        if (closed) {
            return;
        }
        try {
            if (id == null) {
                Fleet.Lease lease = fleet.register(backend.type(), backend.url());
                id = lease.id();
                leaseMs = lease.leaseMs();
                LOG.info("router {} ({}) registered as {}", backend.type(), backend.url(), id);
                scheduleRenewal();
            }
            feed = fleet.follow(backend.servedEpoch(), this::onTable, this::onBroken);
            failures = 0;
        } catch (RuntimeException e) {
            retryLater("cannot reach the controller", e);
        }
    }

    /**
     * A table from the feed: handed to this router's own applier thread, newest wins. The feed's thread (in-process:
     * the controller's one notifier thread for every router) never waits for a slow router (an httpd reload), so one
     * router's apply does not delay the others.
     */
    private void onTable(RouteTable table) {
        if (closed) {
            return;
        }
        pending.accumulateAndGet(table, (a, b) -> a == null || b.epoch() >= a.epoch() ? b : a);
        if (draining.compareAndSet(false, true)) {
            try {
                applier.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                draining.set(false);
            }
        }
    }

    private void drain() {
        while (true) {
            RouteTable t = pending.getAndSet(null);
            if (t != null) {
                applyAndAck(t);
                continue;
            }
            draining.set(false);
            // a table that came after the getAndSet and before the set(false) found draining still true: take it
            if (pending.get() == null || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void applyAndAck(RouteTable table) {
        if (closed) {
            return;
        }
        try {
            if (table.epoch() > backend.servedEpoch() || backend.servedEpoch() == 0) {
                if (backend.terminatesTls()) {
                    backend.apply(table, certificates(table));
                } else {
                    backend.apply(table);
                }
            }
            ack();
        } catch (RuntimeException e) {
            LOG.warn("router {} could not apply epoch {}: {}", id, table.epoch(), e.toString());
        }
    }

    /**
     * The certificates of the table's TLS routes: kept from earlier tables while their fingerprint is unchanged,
     * fetched otherwise. A host whose certificate cannot be fetched is served without one (and fetched again with the
     * next table); its plain-HTTP route still works.
     */
    private Map<String, TlsCertificate> certificates(RouteTable table) {
        Map<String, TlsCertificate> next = new HashMap<>();
        for (Route r : table.routes()) {
            if (r.tls() == null) {
                continue;
            }
            TlsCertificate c = certs.get(r.host());
            if (c == null || !c.fingerprint().equals(r.tls())) {
                try {
                    c = fleet.certificate(r.host());
                } catch (RuntimeException e) {
                    LOG.warn("router {}: cannot fetch the certificate of {} ({}); serving it without TLS for now",
                            id, r.host(), e.getMessage());
                    continue;
                }
            }
            next.put(r.host(), c);
        }
        certs = next;
        return next;
    }

    private void onBroken(Throwable e) {
        if (!closed) {
            retryLater("the route feed broke", e);
        }
    }

    private void retryLater(String what, Throwable e) {
        failures++;
        long delay = Math.min(MAX_BACKOFF_MS, retry.toMillis() << Math.min(4, failures - 1));
        LOG.warn("router {}: {} ({}); serving epoch {} meanwhile, retrying in {} ms", backend.type(), what,
                e.getMessage(), backend.servedEpoch(), delay);
        closeFeed();
        if (!closed) {
            timer.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void scheduleRenewal() {
        if (renewal != null) {
            renewal.cancel(false);
        }
        long period = Math.max(200, leaseMs / 3);
        renewal = timer.scheduleWithFixedDelay(() -> {
            try {
                ack();
            } catch (RuntimeException e) {
                LOG.debug("lease renewal of {} failed: {}", id, e.toString());
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    private void ack() {
        String current = id;
        if (current == null) {
            return;
        }
        try {
            java.util.Map<String, RouterBackend.AppStats> stats;
            try {
                stats = backend.stats();
            } catch (RuntimeException e) {
                stats = null;
            }
            leaseMs = fleet.ack(current, backend.servedEpoch(), stats).leaseMs();
        } catch (Fleet.NotRegistered gone) {
            LOG.info("router {} was forgotten by the controller: registering again", current);
            id = null;
            retryLater("re-registering", gone);
        }
    }

    private void closeFeed() {
        AutoCloseable f = feed;
        feed = null;
        if (f != null) {
            try {
                f.close();
            } catch (Exception ignored) {
                // broken already
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        applier.shutdown();
        if (renewal != null) {
            renewal.cancel(false);
        }
        closeFeed();
        if (id != null) {
            try {
                fleet.leave(id);
            } catch (RuntimeException e) {
                LOG.debug("router {} could not unregister: {}", id, e.toString());
            }
        }
    }
}
