package org.dockerera.controller.internal.apps;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.dockerera.api.InstanceState;
import org.dockerera.api.InstanceStats;
import org.dockerera.api.App;
import org.dockerera.api.AppService;
import org.dockerera.api.AppSpec;
import org.dockerera.api.Deploy;
import org.dockerera.api.DeployRequest;
import org.dockerera.api.DeployService;
import org.dockerera.api.DeployStatus;
import org.dockerera.api.DockereraException;
import org.dockerera.api.EnvVar;
import org.dockerera.api.Explanation;
import org.dockerera.api.Host;
import org.dockerera.api.HostService;
import org.dockerera.api.ImageReference;
import org.dockerera.api.Instance;
import org.dockerera.api.RegistryService;
import org.dockerera.api.Release;
import org.dockerera.api.ReleaseStatus;
import org.dockerera.api.events.Event;
import org.dockerera.api.events.EventBus;
import org.dockerera.api.events.EventTypes;
import org.dockerera.controller.internal.ControllerConfig;
import org.dockerera.controller.internal.HostRegistry;
import org.dockerera.controller.internal.Ids;
import org.dockerera.controller.internal.KeyManager;
import org.dockerera.controller.internal.SecretBox;
import org.dockerera.controller.internal.reconcile.Rollout;
import org.dockerera.spi.scheduler.Constraint;
import org.dockerera.spi.scheduler.PlacementPlan;
import org.dockerera.spi.scheduler.Scheduler;
import org.dockerera.spi.store.ConfigStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Owns the deploy engine: the {@link Ledger} over the config store, the {@link Engine} and its work queue, and the
 * event subscription that wakes apps on host and container events. {@link AppServiceImpl} and
 * {@link DeployServiceImpl} record what users ask through it.
 */
@Component(service = EngineComponent.class, configurationPid = ControllerConfig.PID)
public class EngineComponent {
    @Reference(target = ConfigStore.ACTIVE)
    private ConfigStore store;
    @Reference
    private KeyManager keys;
    @Reference
    private HostService hostService;
    @Reference
    private HostRegistry hostRegistry;
    @Reference
    private org.dockerera.controller.internal.lease.ControllerLease lease;
    private java.util.function.Consumer<Boolean> roleListener;
    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Scheduler scheduler;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RegistryService registries;
    private volatile EventBus events;
    private EventBus.Subscription subscription;

    private Ledger ledger;
    private SecretBox secrets;
    private Engine engine;
    private ScheduledExecutorService timer;
    private AppLogs logs;
    private StatsSampler stats;
    private Runs runs;
    private Clock clock = Clock.systemUTC();

    public EngineComponent() {
    }

    /** For tests: no OSGi. */
    EngineComponent(ConfigStore store, SecretBox secrets, HostService hosts, HostRegistry registry, Scheduler scheduler,
                  EventBus events, Engine.Settings settings) {
        this.store = store;
        this.hostService = hosts;
        this.hostRegistry = registry;
        this.scheduler = scheduler;
        this.events = events;
        start(secrets, settings);
    }

    @Activate
    void activate(ControllerConfig config) {
        Rollout rollout = new Rollout(Math.max(1, config.deployBatchSize()), Math.max(1, config.deployMaxSurge()),
                Duration.ofMillis(Math.max(1, config.restartBackoffMs())),
                Duration.ofMillis(Math.max(config.restartBackoffMs(), config.maxRestartBackoffMs())));
        start(keys.box(), new Engine.Settings(rollout, Duration.ofMillis(Math.max(100, config.resyncIntervalMs())),
                Math.max(1, config.appWorkers()), Duration.ofMillis(Math.max(1000, config.routerLeaseMs())),
                Math.max(0, config.logs_retained_lines()), Duration.ofMillis(Math.max(100, config.stats_timeout_ms())),
                Duration.ofMinutes(Math.max(1, config.runs_retained_minutes()))));
    }

    private void start(SecretBox box, Engine.Settings settings) {
        this.secrets = box;
        this.ledger = new Ledger(store);
        this.engine = new Engine(ledger, box, () -> scheduler, hostService, hostRegistry, () -> registries,
                this::publish, clock, settings);
        AtomicInteger n = new AtomicInteger();
        this.timer = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "dockerera-logs-runs-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.logs = new AppLogs(ledger, hostRegistry::connection, engine.blocking(), timer, clock,
                Duration.ofSeconds(1));
        this.stats = new StatsSampler(t -> {
            String[] hostAndContainer = t.key().split("/", 2);
            org.dockerera.spi.provider.ContainerStats s = engine.connection(hostAndContainer[0])
                    .stats(hostAndContainer[1]);
            return s == null ? null : new InstanceStats(s.cpuPercent(), s.memoryBytes(), s.memoryLimitBytes());
        }, engine.blocking(), clock, settings.statsTimeout(), Duration.ofSeconds(2), Duration.ofSeconds(15));
        this.runs = new Runs(ledger, engine, box, hostService, engine.blocking(), timer, clock,
                settings.runRetention());
        subscribe();
        if (lease != null) {
            engine.actOnlyWhile(lease::acting);
            roleListener = acting -> {
                if (acting) {
                    engine.tookOver();
                }
            };
            lease.onRoleChange(roleListener);
        }
        engine.start();
    }

    @Deactivate
    void deactivate() {
        if (lease != null && roleListener != null) {
            lease.removeRoleListener(roleListener);
        }
        unsubscribe();
        if (runs != null) {
            runs.close();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (engine != null) {
            engine.close();
        }
    }

    AppLogs logs() {
        return logs;
    }

    Runs runs() {
        return runs;
    }

    /** Stats of the running instances among {@code records}, by instance id (absent: unknown in time). */
    Map<String, InstanceStats> stats(List<InstanceRecord> records) {
        List<StatsSampler.Target> targets = new ArrayList<>();
        for (InstanceRecord r : records) {
            if (r.containerId() != null && r.state() != InstanceState.STOPPED && r.state() != InstanceState.LOST
                    && hostRegistry.connection(r.hostId()).isPresent()) {
                targets.add(new StatsSampler.Target(r.hostId() + "/" + r.containerId(), r.id()));
            }
        }
        return targets.isEmpty() ? Map.of() : stats.sample(targets);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setEvents(EventBus bus) {
        this.events = bus;
        if (engine != null) {
            subscribe();
        }
    }

    void unsetEvents(EventBus bus) {
        if (this.events == bus) {
            unsubscribe();
            this.events = null;
        }
    }

    /** Host and container events wake the apps they concern at once instead of at the next resync. */
    private synchronized void subscribe() {
        unsubscribe();
        EventBus bus = events;
        if (bus == null) {
            return;
        }
        subscription = bus.subscribe(e -> {
            switch (e.type()) {
                case EventTypes.CONTAINER_DIED -> {
                    if (e.app() != null) {
                        engine.kick(e.app());
                    }
                }
                case EventTypes.HOST_UP, EventTypes.HOST_DOWN, EventTypes.HOST_DRAINING, EventTypes.HOST_CORDONED,
                        EventTypes.HOST_UNCORDONED, EventTypes.HOST_ADDED, EventTypes.HOST_REMOVED -> engine.kickAll();
                default -> {
                }
            }
        });
    }

    private synchronized void unsubscribe() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }

    void publish(Event e) {
        EventBus bus = events;
        if (bus != null) {
            bus.publish(e);
        }
    }

    /** Refuses a change on a standby controller (naming the active one); any interface, same answer. */
    void requireActive() {
        if (lease != null) {
            lease.requireActive();
        }
    }

    Ledger ledger() {
        return ledger;
    }

    Engine engine() {
        return engine;
    }

    SecretBox secrets() {
        return secrets;
    }

    HostService hosts() {
        return hostService;
    }

    Clock clock() {
        return clock;
    }

    /** Records a deploy (pending) and wakes the app's queue. */
    Deploy enqueue(String app, String kind, String image, Integer instances, Integer rollbackTo, String actor) {
        requireActive();
        Instant now = clock.instant();
        long seq = ledger.nextDeploySeq();
        List<DeployRecord> ahead = ledger.deploys(app).stream().filter(d -> !d.finishedAlready()).toList();
        String message = ahead.isEmpty() ? "queued" : "queued behind " + ahead.get(ahead.size() - 1).id();
        DeployRecord d = new DeployRecord(Ids.newId("d"), app, kind, DeployStatus.PENDING, null, message, now, null,
                null, seq, image, instances, rollbackTo, actor, List.of());
        Event queued = new Event(EventTypes.DEPLOY_QUEUED, now, app, null, null, d.id(), kind + " of " + app
                + (image != null ? " (" + image + ")" : "") + (instances != null ? ", " + instances + " instance(s)"
                : "") + (rollbackTo != null ? " to release " + rollbackTo : "") + ": " + message);
        d = d.withEvent(queued);
        ledger.putDeploy(d);
        publish(queued);
        engine.kick(app);
        return d.view();
    }
}
