package org.dockerera.rest.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.dockerera.api.DockereraException;
import org.dockerera.api.DomainService;
import org.dockerera.api.RouteService;
import org.dockerera.api.RouterService;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;

/** A route table that tests publish by hand, and a recording router registry. */
final class FakeRoutes implements RouteService, RouterService {
    volatile RouteTable table = new RouteTable(1, List.of(new Route("a.test", "a.test", List.of("127.0.0.2:1"))));
    final List<Consumer<RouteTable>> listeners = new CopyOnWriteArrayList<>();
    final Map<String, Long> acks = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();

    void publish(RouteTable t) {
        table = t;
        listeners.forEach(l -> l.accept(t));
    }

    @Override
    public RouteTable table() {
        return table;
    }

    @Override
    public RouteService.Subscription subscribe(Consumer<RouteTable> listener) {
        listeners.add(listener);
        listener.accept(table);
        return () -> listeners.remove(listener);
    }

    @Override
    public RouterLease register(RouterSpec spec) {
        if (spec.url() == null || spec.url().contains("0.0.0.0")) {
            throw DockereraException.invalid("invalid-router", "bad url " + spec.url());
        }
        String id = "r-" + (calls.size() + 1);
        calls.add("register " + spec.type() + " " + spec.url());
        acks.put(id, 0L);
        return new RouterLease(id, 10_000);
    }

    @Override
    public RouterLease ack(String id, long epoch) {
        if (!acks.containsKey(id)) {
            throw DockereraException.notFound("router-not-found", "no router " + id);
        }
        acks.put(id, epoch);
        calls.add("ack " + id + " " + epoch);
        return new RouterLease(id, 10_000);
    }

    final Map<String, Map<String, org.dockerera.spi.router.RouterBackend.AppStats>> stats = new ConcurrentHashMap<>();

    @Override
    public void report(String id, Map<String, org.dockerera.spi.router.RouterBackend.AppStats> s) {
        get(id);
        stats.put(id, s);
    }

    @Override
    public Map<String, org.dockerera.spi.router.RouterBackend.AppStats> stats(String id) {
        get(id);
        return stats.getOrDefault(id, Map.of());
    }

    @Override
    public void leave(String id) {
        acks.remove(id);
        calls.add("leave " + id);
    }

    @Override
    public List<RouterInfo> list() {
        return acks.entrySet().stream().map(e -> new RouterInfo(e.getKey(), "builtin", "http://127.0.0.1:8080",
                e.getValue(), 0, "up", Instant.EPOCH, Instant.EPOCH)).toList();
    }

    @Override
    public RouterInfo get(String id) {
        return list().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow(() ->
                DockereraException.notFound("router-not-found", "no router " + id));
    }
}

/** Recording domains. */
final class FakeDomains implements DomainService {
    final Map<String, List<String>> domains = new ConcurrentHashMap<>();

    @Override
    public List<String> domains(String app) {
        return domains.getOrDefault(app, List.of());
    }

    @Override
    public List<String> add(String app, String domain) {
        String d = DomainService.normalize(domain);
        domains.computeIfAbsent(app, k -> new CopyOnWriteArrayList<>()).add(d);
        return domains(app);
    }

    @Override
    public List<String> remove(String app, String domain) {
        domains.getOrDefault(app, new CopyOnWriteArrayList<>()).remove(domain);
        return domains(app);
    }
}
