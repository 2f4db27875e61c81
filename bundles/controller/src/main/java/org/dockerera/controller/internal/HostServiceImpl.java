package org.dockerera.controller.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dockerera.api.DockereraException;
import org.dockerera.api.Host;
import org.dockerera.api.HostService;
import org.dockerera.api.HostSpec;
import org.dockerera.api.HostStatus;
import org.dockerera.api.TlsMaterial;
import org.dockerera.api.events.Event;
import org.dockerera.api.events.EventBus;
import org.dockerera.api.events.EventTypes;
import org.dockerera.spi.provider.ContainerEvent;
import org.dockerera.spi.provider.ContainerInfo;
import org.dockerera.spi.provider.ContainerProvider;
import org.dockerera.spi.provider.EngineInfo;
import org.dockerera.spi.provider.HostConnection;
import org.dockerera.spi.provider.HostEndpoint;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts: stored under {@code hosts/<id>} (TLS material sealed), monitored by {@link HostMonitor}. Listing never
 * contacts a host; adding one contacts it once, bounded by the call timeout.
 */
@Component(service = {HostService.class, HostRegistry.class}, configurationPid = ControllerConfig.PID)
public class HostServiceImpl implements HostService, HostRegistry, HostMonitor.Listener {
    static final String PREFIX = "hosts/";
    /** Label every container dockerera creates carries. */
    static final String MANAGED_LABEL = "org.dockerera.managed";
    private static final Logger LOG = LoggerFactory.getLogger(HostServiceImpl.class);

    @Reference(target = ConfigStore.ACTIVE)
    private ConfigStore store;
    @Reference
    private KeyManager keys;
    private SecretBox secrets;
    private final List<ContainerProvider> providers = new CopyOnWriteArrayList<>();
    private volatile EventBus events;
    private Duration connectTimeout;
    private Duration callTimeout;
    private HostMonitor monitor;
    private org.dockerera.spi.store.Watch hostWatch;

    public HostServiceImpl() {
    }

    /** For tests: no OSGi. */
    public HostServiceImpl(ConfigStore store, SecretBox secrets, List<ContainerProvider> providers, EventBus events) {
        this.store = store;
        this.secrets = secrets;
        this.providers.addAll(providers);
        this.events = events;
    }

    @Activate
    void activate(ControllerConfig config) {
        this.secrets = keys.box();
        start(Duration.ofMillis(config.heartbeatIntervalMs()), Duration.ofMillis(config.downAfterMs()),
                Duration.ofMillis(config.connectTimeoutMs()), Duration.ofMillis(config.callTimeoutMs()));
    }

    public void start(Duration heartbeat, Duration downAfter, Duration connect, Duration call) {
        this.connectTimeout = connect;
        this.callTimeout = call;
        this.monitor = new HostMonitor(Clock.systemUTC(), heartbeat, downAfter, this);
        long from = store.revision();
        syncWithStore();
        // hosts added or removed by another controller on the same store (or before a takeover) are followed too
        this.hostWatch = store.watch(PREFIX, from, new org.dockerera.spi.store.ChangeListener() {
            @Override
            public void onChange(org.dockerera.spi.store.Change change) {
                syncWithStore();
            }

            @Override
            public void onResync(long revision) {
                syncWithStore();
            }
        });
    }

    /** Monitors exactly the hosts the store lists: starts on new ones, stops on removed ones. */
    synchronized void syncWithStore() {
        try {
            java.util.Set<String> listed = new java.util.HashSet<>();
            for (Entry e : store.list(PREFIX)) {
                HostRecord record = Json.read(e.value(), HostRecord.class);
                listed.add(record.id());
                if (monitor.connection(record.id()).isPresent()) {
                    continue;
                }
                try {
                    // only if still untracked: add() may be tracking it right now with the engine info it read
                    monitor.trackIfAbsent(record.id(), () -> connect(record.url(), openTls(record)));
                } catch (DockereraException ex) {
                    LOG.warn("cannot monitor host {} ({}): {}", record.id(), record.url(), ex.detail());
                }
            }
            for (String tracked : monitor.trackedIds()) {
                if (!listed.contains(tracked)) {
                    monitor.untrack(tracked);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot follow the hosts in the store: {}", e.toString());
        }
    }

    @Deactivate
    public void deactivate() {
        if (hostWatch != null) {
            hostWatch.close();
        }
        if (monitor != null) {
            monitor.close();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addProvider(ContainerProvider provider) {
        providers.add(provider);
        reconnect(provider);
    }

    /**
     * A provider that arrives while the hosts are monitored (installed late, or its bundle updated in place, which
     * closed the old one's connections) takes over the hosts it supports with fresh connections.
     */
    private void reconnect(ContainerProvider provider) {
        HostMonitor m = monitor;
        if (m == null) {
            return;
        }
        for (HostRecord record : records()) {
            if (provider.supports(record.url())) {
                try {
                    m.track(record.id(), provider.connect(new HostEndpoint(record.url(), openTls(record),
                            connectTimeout, callTimeout, null)), null);
                } catch (RuntimeException e) {
                    LOG.warn("cannot reconnect host {} ({}) through the new provider: {}", record.id(), record.url(),
                            e.toString());
                }
            }
        }
    }

    void removeProvider(ContainerProvider provider) {
        providers.remove(provider);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setEvents(EventBus bus) {
        this.events = bus;
    }

    void unsetEvents(EventBus bus) {
        if (this.events == bus) {
            this.events = null;
        }
    }

    @Override
    public List<Host> list() {
        return records().stream().map(this::view).sorted(Comparator.comparing(Host::url)).toList();
    }

    @Override
    public Host get(String idOrUrl) {
        return view(find(idOrUrl));
    }

    @Override
    public Host add(HostSpec spec) {
        Standby.refuse(leadership);
        if (spec == null || spec.url() == null || spec.url().isBlank()) {
            throw DockereraException.invalid("invalid-host-url", "url is required, e.g. unix:///var/run/docker.sock or tcp://127.0.0.2:2375");
        }
        String url = normalizeUrl(spec.url(), spec.tls() != null);
        validateTls(spec.tls());
        if (findByUrl(url).isPresent()) {
            throw DockereraException.conflict("host-exists", "host " + url + " is already registered as "
                    + findByUrl(url).get().id());
        }
        HostConnection connection = connect(url, spec.tls());
        EngineInfo info = null;
        if (!spec.force()) {
            try {
                info = connection.info();
            } catch (DockereraException e) {
                connection.close();
                throw new DockereraException(DockereraException.Kind.INVALID, "host-unreachable", "Host unreachable",
                        "host " + url + " did not answer (" + e.detail() + "); start its daemon, check the URL,"
                                + " or add it with \"force\": true to monitor it until it comes up");
            }
        }
        HostRecord record = new HostRecord(Ids.newId("h"), url, spec.labels(),
                spec.tls() == null ? null : secrets.seal(new String(Json.write(spec.tls()), java.nio.charset.StandardCharsets.UTF_8)),
                spec.capacity(), java.time.Instant.now());
        try {
            store.put(PREFIX + record.id(), Json.write(record), ConfigStore.ABSENT);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        monitor.track(record.id(), connection, info);
        publish(Event.host(EventTypes.HOST_ADDED, record.id(), "host " + url + " added"));
        return view(record);
    }

    @Override
    public void remove(String idOrUrl, boolean force) {
        Standby.refuse(leadership);
        HostRecord record = find(idOrUrl);
        if (!force) {
            HostConnection connection = monitor.connection(record.id()).orElse(null);
            HostStatus status = monitor.state(record.id()).map(HostMonitor.LiveState::status).orElse(HostStatus.DOWN);
            if (connection == null || status != HostStatus.UP) {
                throw DockereraException.conflict("host-busy", "host " + record.url() + " is down, so whether "
                        + "dockerera instances still run there cannot be checked; remove it with force=true");
            }
            List<ContainerInfo> running = connection.containers(Map.of(MANAGED_LABEL, "true"), false);
            if (!running.isEmpty()) {
                throw DockereraException.conflict("host-busy", running.size() + " dockerera instance(s) run on host "
                        + record.url() + "; scale or move them away first, or remove with force=true");
            }
        }
        store.delete(PREFIX + record.id(), ConfigStore.ANY_VERSION);
        monitor.untrack(record.id());
        publish(Event.host(EventTypes.HOST_REMOVED, record.id(), "host " + record.url() + " removed"));
    }

    @Override
    public Host cordon(String idOrUrl) {
        Standby.refuse(leadership);
        HostRecord r = update(idOrUrl, rec -> rec.withSchedule(true, false));
        publish(Event.host(EventTypes.HOST_CORDONED, r.id(), "host " + r.url() + " cordoned: no new instances"));
        return view(r);
    }

    @Override
    public Host uncordon(String idOrUrl) {
        Standby.refuse(leadership);
        HostRecord r = update(idOrUrl, rec -> rec.withSchedule(false, false));
        publish(Event.host(EventTypes.HOST_UNCORDONED, r.id(), "host " + r.url() + " takes new instances again"));
        return view(r);
    }

    @Override
    public Host drain(String idOrUrl) {
        Standby.refuse(leadership);
        HostRecord r = update(idOrUrl, rec -> rec.withSchedule(true, true));
        publish(Event.host(EventTypes.HOST_DRAINING, r.id(), "host " + r.url()
                + " is draining: its instances move to other hosts"));
        return view(r);
    }

    // ---- HostRegistry ----

    @Override
    public Optional<HostConnection> connection(String hostId) {
        return monitor.connection(hostId);
    }

    @Override
    public boolean known(String hostId) {
        return monitor.known(hostId);
    }

    @Override
    public String publishAddress(String hostId) {
        HostRecord r = find(hostId);
        return addressOf(r.url());
    }

    static String addressOf(String url) {
        if (url.startsWith("unix://")) {
            return "127.0.0.1";
        }
        String host = URI.create(url).getHost();
        try {
            return java.net.InetAddress.getByName(host).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return host;
        }
    }

    @Override
    public void markDrained(String hostId) {
        HostRecord before = find(hostId);
        if (!before.draining()) {
            return;
        }
        HostRecord r = update(hostId, rec -> rec.withSchedule(true, false));
        publish(Event.host(EventTypes.HOST_DRAINED, r.id(), "host " + r.url()
                + " is drained: no dockerera instance left; it stays cordoned until uncordoned"));
    }

    private HostRecord update(String idOrUrl, java.util.function.UnaryOperator<HostRecord> change) {
        for (int attempt = 0; ; attempt++) {
            HostRecord current = find(idOrUrl);
            Entry e = store.get(PREFIX + current.id()).orElseThrow(() -> DockereraException.notFound("host-not-found",
                    "host " + idOrUrl + " was just removed"));
            HostRecord next = change.apply(Json.read(e.value(), HostRecord.class));
            try {
                store.put(PREFIX + next.id(), Json.write(next), e.version());
                return next;
            } catch (org.dockerera.spi.store.CasConflictException conflict) {
                if (attempt >= 10) {
                    throw conflict;
                }
            }
        }
    }

    // ---- monitor callbacks ----

    @Override
    public void statusChanged(String hostId, HostStatus status, String why) {
        String url = store.get(PREFIX + hostId).map(e -> Json.read(e.value(), HostRecord.class).url()).orElse(hostId);
        publish(Event.host(status == HostStatus.UP ? EventTypes.HOST_UP : EventTypes.HOST_DOWN, hostId,
                "host " + url + " is " + status + " (" + why + ")"));
    }

    @Override
    public void containerEvent(String hostId, ContainerEvent event) {
        if ("die".equals(event.action()) && "true".equals(event.attributes().get(MANAGED_LABEL))) {
            publish(new Event(EventTypes.CONTAINER_DIED, event.time(), event.attributes().get("org.dockerera.app"),
                    hostId, null, null, "container " + event.attributes().getOrDefault("name", event.containerId())
                    + " died (exit code " + event.attributes().getOrDefault("exitCode", "?") + ")"));
        }
    }

    // ---- helpers ----

    private void publish(Event event) {
        EventBus bus = events;
        if (bus != null) {
            bus.publish(event);
        }
    }

    private Host view(HostRecord r) {
        HostMonitor.LiveState live = monitor.state(r.id())
                .orElse(new HostMonitor.LiveState(HostStatus.DOWN, null, null, "not monitored"));
        EngineInfo e = live.engine();
        double cpus = r.capacity() != null && r.capacity().cpus() != null ? r.capacity().cpus()
                : e != null ? e.cpus() : 0;
        long memory = r.capacity() != null && r.capacity().memoryBytes() != null ? r.capacity().memoryBytes()
                : e != null ? e.memoryBytes() : 0;
        return new Host(r.id(), r.url(), live.status(), r.labels(), e == null ? null : e.engineId(),
                e == null ? null : e.name(), e == null ? null : e.version(), cpus, memory,
                e == null ? 0 : e.containersRunning(), live.lastSeen(), r.tls() != null, r.capacity(), live.error(),
                !r.cordoned(), r.draining());
    }

    private List<HostRecord> records() {
        return store.list(PREFIX).stream().map(e -> Json.read(e.value(), HostRecord.class)).toList();
    }

    private HostRecord find(String idOrUrl) {
        if (idOrUrl != null) {
            Optional<HostRecord> byId = store.get(PREFIX + idOrUrl).map(e -> Json.read(e.value(), HostRecord.class));
            if (byId.isPresent()) {
                return byId.get();
            }
            Optional<HostRecord> byUrl = findByUrl(idOrUrl.trim());
            if (byUrl.isPresent()) {
                return byUrl.get();
            }
        }
        throw DockereraException.notFound("host-not-found", "no host '" + idOrUrl + "'; see the hosts with dockerera:host-list or GET /api/hosts");
    }

    private Optional<HostRecord> findByUrl(String url) {
        return records().stream().filter(r -> r.url().equalsIgnoreCase(url)).findFirst();
    }

    private HostConnection connect(String url, TlsMaterial tls) {
        ContainerProvider provider = providers.stream().filter(p -> p.supports(url)).findFirst()
                .orElseThrow(() -> new DockereraException(DockereraException.Kind.UNAVAILABLE, "provider-unavailable",
                        "No provider", "no container provider handles " + url
                        + "; is the dockerera-provider-docker feature installed?"));
        return provider.connect(new HostEndpoint(url, tls, connectTimeout, callTimeout, null));
    }

    private TlsMaterial openTls(HostRecord record) {
        return record.tls() == null ? null
                : Json.read(secrets.open(record.tls()).getBytes(java.nio.charset.StandardCharsets.UTF_8), TlsMaterial.class);
    }

    /** Accepts {@code unix:///abs/path} and {@code tcp://host:port}; returns the canonical form. */
    static String normalizeUrl(String raw, boolean tls) {
        String s = raw.trim();
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw badUrl(raw, "it is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "unix" -> {
                String path = uri.getPath();
                if (path == null || !path.startsWith("/") || uri.getHost() != null) {
                    throw badUrl(raw, "a unix URL needs an absolute socket path, e.g. unix:///var/run/docker.sock");
                }
                return "unix://" + path;
            }
            case "tcp", "https", "http" -> {
                if (uri.getHost() == null) {
                    throw badUrl(raw, "no host name");
                }
                if (uri.getPort() < 1 || uri.getPort() > 65535) {
                    throw badUrl(raw, "a port is required, e.g. tcp://127.0.0.2:" + (tls ? 2376 : 2375));
                }
                if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
                    throw badUrl(raw, "no path is allowed after host:port");
                }
                return "tcp://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + uri.getPort();
            }
            default -> throw badUrl(raw, "the scheme must be unix:// or tcp://");
        }
    }

    private static void validateTls(TlsMaterial tls) {
        if (tls == null) {
            return;
        }
        if (blank(tls.ca()) || blank(tls.cert()) || blank(tls.key())) {
            throw DockereraException.invalid("invalid-tls", "tls needs all of ca, cert and key as PEM text");
        }
        if (!tls.ca().contains("-----BEGIN CERTIFICATE-----") || !tls.cert().contains("-----BEGIN CERTIFICATE-----")
                || !tls.key().contains("PRIVATE KEY-----")) {
            throw DockereraException.invalid("invalid-tls", "tls.ca and tls.cert must be PEM certificates and tls.key a"
                    + " PEM private key (-----BEGIN ... -----)");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static DockereraException badUrl(String raw, String why) {
        return DockereraException.invalid("invalid-host-url", "bad host URL '" + raw + "': " + why);
    }

    @org.osgi.service.component.annotations.Reference(
            cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile org.dockerera.api.LeadershipService leadership;
}
