package org.dockerera.rest.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.dockerera.api.DockereraException;
import org.dockerera.api.Host;
import org.dockerera.api.HostService;
import org.dockerera.api.HostSpec;
import org.dockerera.api.HostStatus;
import org.dockerera.api.Info;
import org.dockerera.api.InfoService;
import org.dockerera.api.NewToken;
import org.dockerera.api.Registry;
import org.dockerera.api.RegistryService;
import org.dockerera.api.RegistrySpec;
import org.dockerera.api.StoreStatus;
import org.dockerera.api.Token;
import org.dockerera.api.TokenScope;
import org.dockerera.api.TokenService;
import org.dockerera.api.events.Event;
import org.dockerera.api.events.EventBus;

/** Recording fakes of the api services. */
final class Fakes {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    private Fakes() {
    }

    /** All services; any may be set to null to make it "missing" (503). */
    static final class FakeServices implements Services {
        volatile FakeHostService hosts = new FakeHostService();
        volatile FakeRegistryService registries = new FakeRegistryService();
        volatile FakeTokenService tokens = new FakeTokenService();
        volatile InfoService info = () -> new Info("0.1.0", new StoreStatus("embedded", "/data/store.mv", 42, "up"),
                "docker", Map.of("hosts", 1, "apps", 0));
        volatile FakeEventBus events = new FakeEventBus();
        volatile FakeApps apps = new FakeApps(events);
        /** The deploy side of {@link #apps}, a field of its own so a test can make it missing alone. */
        volatile org.dockerera.api.DeployService deploys = apps.deployService;
        volatile FakeRoutes routes = new FakeRoutes();
        volatile FakeDomains domains = new FakeDomains();
        /** No certificate service unless a test sets one: its routes answer 503. */
        volatile org.dockerera.api.CertificateService certificates;
        final FakeLogsAndRuns logsAndRuns = new FakeLogsAndRuns(apps);
        volatile org.dockerera.api.LogService logs = logsAndRuns.logService;
        volatile org.dockerera.api.RunService runs = logsAndRuns.runService;

        @Override
        public org.dockerera.api.LogService logs() {
            return Services.require(logs, "log service");
        }

        @Override
        public org.dockerera.api.RunService runs() {
            return Services.require(runs, "run service");
        }

        volatile org.dockerera.api.StoreService store;
        volatile org.dockerera.api.LeadershipService leadership;

        @Override
        public org.dockerera.api.LeadershipService leadership() {
            return leadership;
        }

        /** No Camel context unless a test sets one: {@code /api/camel/routes} answers 503. */
        volatile org.dockerera.api.events.CamelRoutes camelRoutes;

        @Override
        public org.dockerera.api.events.CamelRoutes camelRoutes() {
            return Services.require(camelRoutes, "Camel context (events bundle)");
        }

        volatile org.dockerera.api.PluginService plugins;

        @Override
        public org.dockerera.api.PluginService plugins() {
            return Services.require(plugins, "plugin listing");
        }

        @Override
        public org.dockerera.api.StoreService store() {
            return Services.require(store, "store service");
        }

        @Override
        public org.dockerera.api.AppService apps() {
            return Services.require(apps, "app service");
        }

        @Override
        public org.dockerera.api.DeployService deploys() {
            return Services.require(deploys, "deploy service");
        }

        @Override
        public org.dockerera.api.RouteService routes() {
            return Services.require(routes, "route service");
        }

        @Override
        public org.dockerera.api.RouterService routers() {
            return Services.require(routes, "router service");
        }

        @Override
        public org.dockerera.api.DomainService domains() {
            return Services.require(domains, "domain service");
        }

        @Override
        public org.dockerera.api.CertificateService certificates() {
            return Services.require(certificates, "certificate service");
        }

        @Override
        public HostService hosts() {
            return Services.require(hosts, "host service");
        }

        @Override
        public RegistryService registries() {
            return Services.require(registries, "registry service");
        }

        @Override
        public TokenService tokens() {
            return Services.require(tokens, "token service");
        }

        @Override
        public InfoService info() {
            return Services.require(info, "info service");
        }

        @Override
        public EventBus events() {
            return Services.require(events, "event bus");
        }
    }

    static Host host(String id, String url) {
        return new Host(id, url, HostStatus.UP, Map.of("env", "test"), "ENGINE1", "box", "20.10.24", 2.0, 1L << 30, 3,
                T0, false, null, null, true, false);
    }

    static final class FakeHostService implements HostService {
        final List<HostSpec> added = new CopyOnWriteArrayList<>();
        final List<String> removed = new CopyOnWriteArrayList<>();
        final Map<String, Host> hosts = new ConcurrentHashMap<>();
        /** When set, every call throws it. */
        volatile RuntimeException failure;

        @Override
        public List<Host> list() {
            fail();
            return new ArrayList<>(hosts.values());
        }

        @Override
        public Host get(String idOrUrl) {
            fail();
            Host h = hosts.get(idOrUrl);
            if (h == null) {
                throw DockereraException.notFound("host-not-found", "no host '" + idOrUrl + "'");
            }
            return h;
        }

        @Override
        public Host add(HostSpec spec) {
            fail();
            added.add(spec);
            Host h = host("h" + added.size(), spec.url());
            hosts.put(h.id(), h);
            return h;
        }

        @Override
        public void remove(String idOrUrl, boolean force) {
            fail();
            removed.add(idOrUrl + " force=" + force);
        }

        /** Cordon, uncordon and drain calls, in order: {@code cordon h1}. */
        final List<String> maintenance = new CopyOnWriteArrayList<>();

        @Override
        public Host cordon(String idOrUrl) {
            maintenance.add("cordon " + idOrUrl);
            return mark(idOrUrl, false, false);
        }

        @Override
        public Host uncordon(String idOrUrl) {
            maintenance.add("uncordon " + idOrUrl);
            return mark(idOrUrl, true, false);
        }

        @Override
        public Host drain(String idOrUrl) {
            maintenance.add("drain " + idOrUrl);
            return mark(idOrUrl, false, true);
        }

        private Host mark(String idOrUrl, boolean schedulable, boolean draining) {
            Host h = get(idOrUrl);
            Host marked = new Host(h.id(), h.url(), h.status(), h.labels(), h.engineId(), h.name(), h.version(),
                    h.cpus(), h.memoryBytes(), h.containers(), h.lastSeen(), h.tls(), h.capacity(), h.error(),
                    schedulable, draining);
            hosts.put(h.id(), marked);
            return marked;
        }

        private void fail() {
            RuntimeException f = failure;
            if (f != null) {
                throw f;
            }
        }
    }

    static final class FakeRegistryService implements RegistryService {
        final List<RegistrySpec> added = new CopyOnWriteArrayList<>();
        final List<String> removed = new CopyOnWriteArrayList<>();
        final List<Registry> registries = new CopyOnWriteArrayList<>();

        @Override
        public List<Registry> list() {
            return List.copyOf(registries);
        }

        @Override
        public Registry add(RegistrySpec spec) {
            added.add(spec);
            Registry r = new Registry("r" + added.size(), spec.server(), spec.username(), T0);
            registries.add(r);
            return r;
        }

        @Override
        public void remove(String idOrServer) {
            if (registries.removeIf(r -> r.id().equals(idOrServer) || idOrServer.equals(r.server()))) {
                removed.add(idOrServer);
                return;
            }
            throw DockereraException.notFound("registry-not-found", "no registry '" + idOrServer + "'");
        }

        @Override
        public Optional<RegistrySpec> credentialsFor(String imageReference) {
            return Optional.empty();
        }
    }

    /** Tokens by secret; {@link #issue} makes one with a known secret. */
    static final class FakeTokenService implements TokenService {
        final Map<String, Token> bySecret = new ConcurrentHashMap<>();
        final List<String> revoked = new CopyOnWriteArrayList<>();
        final List<String> authenticated = new CopyOnWriteArrayList<>();
        private int next;

        synchronized Token issue(String secret, TokenScope scope) {
            Token t = new Token("t" + (++next), scope + "-token", scope, T0, null);
            bySecret.put(secret, t);
            return t;
        }

        @Override
        public synchronized NewToken create(String name, TokenScope scope) {
            String secret = "secret-" + name;
            Token t = new Token("t" + (++next), name, scope, T0, null);
            bySecret.put(secret, t);
            return new NewToken(t.id(), name, scope, secret);
        }

        @Override
        public List<Token> list() {
            return bySecret.values().stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
        }

        @Override
        public void revoke(String id) {
            if (!bySecret.values().removeIf(t -> t.id().equals(id))) {
                throw DockereraException.notFound("token-not-found", "no token with id '" + id + "'");
            }
            revoked.add(id);
        }

        @Override
        public Optional<Token> authenticate(String secret) {
            authenticated.add(secret);
            return Optional.ofNullable(bySecret.get(secret));
        }
    }

    static final class FakeEventBus implements EventBus {
        final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
        final List<Event> published = new CopyOnWriteArrayList<>();

        @Override
        public void publish(Event event) {
            published.add(event);
            for (Consumer<Event> s : subscribers) {
                s.accept(event);
            }
        }

        @Override
        public Subscription subscribe(Consumer<Event> listener) {
            subscribers.add(listener);
            return () -> subscribers.remove(listener);
        }
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
