package org.dockerera.controller.internal.apps;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.dockerera.api.DockereraException;
import org.dockerera.api.ProcessType;
import org.dockerera.api.RouteService;
import org.dockerera.api.RouterService;
import org.dockerera.controller.internal.Ids;
import org.dockerera.controller.internal.Json;
import org.dockerera.controller.internal.reconcile.Routers;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.dockerera.spi.store.ConfigStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route table and the routers that serve it. Every change of routing goes through {@link #publish}: one at a
 * time, it takes the next epoch, applies the instance records' change, derives the whole table from the records,
 * stores it under {@code routes/table} and hands it to the subscribers in epoch order. Routers are stored under
 * {@code routers/<id>}; their leases are judged against their last acknowledgement.
 */
final class RouteFleet implements AutoCloseable {
    static final String TABLE_KEY = "routes/table";
    static final String ROUTERS = "routers/";
    static final Set<String> TYPES = Set.of("builtin", "haproxy", "apache");
    private static final Logger LOG = LoggerFactory.getLogger(RouteFleet.class);
    private static final int KEPT_EPOCH_TIMES = 10_000;

    record RouterRecord(String id, String type, String url, Instant registered, Instant lastSeen, long ackedEpoch) {
    }

    private final Ledger ledger;
    private final Clock clock;
    private final Duration lease;
    private final Object publishLock = new Object();
    private final List<Consumer<RouteTable>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService notifier;
    private final ConcurrentSkipListMap<Long, Instant> publishedAt = new ConcurrentSkipListMap<>();
    private volatile RouteTable current;
    private final org.dockerera.spi.store.Watch follow;

    RouteFleet(Ledger ledger, Clock clock, Duration lease) {
        this.ledger = ledger;
        this.clock = clock;
        this.lease = lease;
        this.notifier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dockerera-route-notifier");
            t.setDaemon(true);
            return t;
        });
        this.current = build(ledger.routeEpoch());
        // tables published by another controller on the same store (this one is standby, or was): the local
        // routers follow them too
        this.follow = ledger.store().watch(TABLE_KEY, ledger.store().revision(),
                new org.dockerera.spi.store.ChangeListener() {
                    @Override
                    public void onChange(org.dockerera.spi.store.Change change) {
                        if (change.value() != null) {
                            adopt(Json.read(change.value(), RouteTable.class));
                        }
                    }

                    @Override
                    public void onResync(long revision) {
                        ledger.store().get(TABLE_KEY).ifPresent(e -> adopt(Json.read(e.value(), RouteTable.class)));
                    }
                });
    }

    /** A table newer than the current one, read from the store, becomes current and goes to the subscribers. */
    private void adopt(RouteTable table) {
        synchronized (publishLock) {
            if (table.epoch() <= current.epoch()) {
                return; // ours, already published, or older
            }
            current = table;
            notifier.execute(() -> notify(table));
        }
    }

    private void notify(RouteTable t) {
        listeners.forEach(l -> {
            try {
                l.accept(t);
            } catch (RuntimeException e) {
                LOG.warn("route table listener failed on epoch {}: {}", t.epoch(), e.toString());
            }
        });
    }

    @Override
    public void close() {
        follow.close();
        notifier.shutdownNow();
    }

    RouteTable table() {
        return current;
    }

    /** Publishes the next epoch: {@code change} updates instance records; answers the new table. */
    RouteTable publish(java.util.function.LongConsumer change) {
        RouteTable table;
        synchronized (publishLock) {
            long epoch = ledger.nextRouteEpoch();
            change.accept(epoch);
            table = build(epoch);
            ledger.store().put(TABLE_KEY, Json.write(table), ConfigStore.ANY_VERSION);
            current = table;
            publishedAt.put(epoch, clock.instant());
            while (publishedAt.size() > KEPT_EPOCH_TIMES) {
                publishedAt.pollFirstEntry();
            }
            RouteTable t = table;
            notifier.execute(() -> notify(t));
        }
        return table;
    }

    /** The table of {@code epoch} from the records: web apps' routed instances with an address. */
    RouteTable build(long epoch) {
        Map<String, List<String>> backends = new TreeMap<>();
        Map<String, List<String>> hosts = new TreeMap<>();
        Map<String, AppRecord> records = new TreeMap<>();
        for (AppRecord a : ledger.apps()) {
            if (!a.deleting() && a.app().type() != ProcessType.WORKER) {
                hosts.put(a.name(), a.hostNames());
                records.put(a.name(), a);
                backends.put(a.name(), new ArrayList<>());
            }
        }
        for (InstanceRecord i : ledger.allInstances()) {
            if (i.routed() && i.address() != null && hosts.containsKey(i.app())) {
                backends.get(i.app()).add(i.address());
            }
        }
        List<Route> routes = new ArrayList<>();
        backends.forEach((app, list) -> {
            list.sort(Comparator.naturalOrder());
            AppRecord a = records.get(app);
            for (String host : hosts.get(app)) {
                StoredCert cert = a.certs().get(host);
                String tls = cert == null ? null : cert.info().fingerprint();
                routes.add(new Route(host, app, list, tls, a.httpsRedirect()));
            }
        });
        routes.sort(Comparator.comparing(Route::host));
        return new RouteTable(epoch, routes);
    }

    RouteService.Subscription subscribe(Consumer<RouteTable> listener) {
        // the current table first, on the notifier thread, so that it comes before any newer one
        synchronized (publishLock) {
            listeners.add(listener);
            RouteTable now = current;
            notifier.execute(() -> listener.accept(now));
        }
        return () -> listeners.remove(listener);
    }

    // ---- routers ----

    RouterService.RouterLease register(RouterService.RouterSpec spec) {
        if (spec == null || spec.type() == null || !TYPES.contains(spec.type())) {
            throw DockereraException.invalid("invalid-router", "type must be one of builtin, haproxy, apache; got "
                    + (spec == null ? null : spec.type()));
        }
        checkUrl(spec.url());
        Instant now = clock.instant();
        RouterRecord r = new RouterRecord(Ids.newId("r"), spec.type(), spec.url(), now, now, 0);
        ledger.store().put(ROUTERS + r.id(), Json.write(r), ConfigStore.ABSENT);
        return new RouterService.RouterLease(r.id(), lease.toMillis());
    }

    private static void checkUrl(String url) {
        try {
            URI u = URI.create(url == null ? "" : url);
            String host = u.getHost();
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || host == null || u.getPort() < 1
                    || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw DockereraException.invalid("invalid-router", "url must be http(s)://host:port where traffic can be "
                    + "sent to the router (not 0.0.0.0); got '" + url + "'");
        }
    }

    RouterService.RouterLease ack(String id, long epoch) {
        if (epoch < 0 || epoch > current.epoch()) {
            throw DockereraException.invalid("invalid-epoch", "epoch " + epoch + " was not published (latest "
                    + current.epoch() + ")");
        }
        Instant now = clock.instant();
        for (int attempt = 0; ; attempt++) {
            var e = ledger.store().get(ROUTERS + id).orElseThrow(() -> DockereraException.notFound(
                    "router-not-found", "no router '" + id + "': register again with POST /api/routers"));
            RouterRecord r = Json.read(e.value(), RouterRecord.class);
            RouterRecord next = new RouterRecord(r.id(), r.type(), r.url(), r.registered(), now,
                    Math.max(r.ackedEpoch(), epoch));
            try {
                ledger.store().put(ROUTERS + id, Json.write(next), e.version());
                return new RouterService.RouterLease(id, lease.toMillis());
            } catch (org.dockerera.spi.store.CasConflictException conflict) {
                if (attempt > 20) {
                    throw conflict;
                }
            }
        }
    }

    void leave(String id) {
        ledger.store().delete(ROUTERS + id, ConfigStore.ANY_VERSION);
        stats.remove(id);
    }

    /** The latest counters each router reported: in memory, as they are only a view of the router's own. */
    private final Map<String, Map<String, org.dockerera.spi.router.RouterBackend.AppStats>> stats =
            new java.util.concurrent.ConcurrentHashMap<>();

    void report(String id, Map<String, org.dockerera.spi.router.RouterBackend.AppStats> counters) {
        if (router(id).isEmpty()) {
            throw DockereraException.notFound("router-not-found", "no router '" + id + "': register again with "
                    + "POST /api/routers");
        }
        stats.put(id, Map.copyOf(counters));
    }

    Map<String, org.dockerera.spi.router.RouterBackend.AppStats> stats(String id) {
        if (router(id).isEmpty()) {
            throw DockereraException.notFound("router-not-found", "no router '" + id + "'; see GET /api/routers");
        }
        return stats.getOrDefault(id, Map.of());
    }

    List<RouterRecord> routers() {
        return ledger.store().list(ROUTERS).stream().map(e -> Json.read(e.value(), RouterRecord.class)).toList();
    }

    Optional<RouterRecord> router(String id) {
        return ledger.store().get(ROUTERS + id).map(e -> Json.read(e.value(), RouterRecord.class));
    }

    String status(RouterRecord r, Instant now) {
        Duration since = Duration.between(r.lastSeen(), now);
        return since.compareTo(lease) <= 0 ? "up" : since.compareTo(lease.multipliedBy(3)) <= 0 ? "stale" : "down";
    }

    RouterService.RouterInfo info(RouterRecord r) {
        Instant now = clock.instant();
        long lag = 0;
        Map.Entry<Long, Instant> firstMissing = publishedAt.ceilingEntry(r.ackedEpoch() + 1);
        if (firstMissing != null && r.ackedEpoch() < current.epoch()) {
            lag = Math.max(0, Duration.between(firstMissing.getValue(), now).toMillis());
        }
        return new RouterService.RouterInfo(r.id(), r.type(), r.url(), r.ackedEpoch(), lag, status(r, now),
                r.registered(), r.lastSeen());
    }

    /** What the reconciler waits for: the routers whose lease holds, and the lowest epoch all of them serve. */
    Routers view() {
        Instant now = clock.instant();
        int count = 0;
        long min = Long.MAX_VALUE;
        for (RouterRecord r : routers()) {
            if ("up".equals(status(r, now))) {
                count++;
                min = Math.min(min, r.ackedEpoch());
            }
        }
        return count == 0 ? Routers.NONE : new Routers(count, min);
    }
}
