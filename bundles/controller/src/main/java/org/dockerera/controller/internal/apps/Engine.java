package org.dockerera.controller.internal.apps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.dockerera.api.App;
import org.dockerera.api.DeployStatus;
import org.dockerera.api.DockereraException;
import org.dockerera.api.HealthCheck;
import org.dockerera.api.Host;
import org.dockerera.api.HostService;
import org.dockerera.api.HostStatus;
import org.dockerera.api.InstanceState;
import org.dockerera.api.ProcessType;
import org.dockerera.api.RegistryService;
import org.dockerera.api.RegistrySpec;
import org.dockerera.api.Release;
import org.dockerera.api.ReleaseStatus;
import org.dockerera.api.Resources;
import org.dockerera.api.events.Event;
import org.dockerera.api.events.EventTypes;
import org.dockerera.controller.internal.HostRegistry;
import org.dockerera.controller.internal.Ids;
import org.dockerera.controller.internal.SecretBox;
import org.dockerera.controller.internal.reconcile.Action;
import org.dockerera.controller.internal.reconcile.Desired;
import org.dockerera.controller.internal.reconcile.Observed;
import org.dockerera.controller.internal.reconcile.ObservedInstance;
import org.dockerera.controller.internal.reconcile.Plan;
import org.dockerera.controller.internal.reconcile.Progress;
import org.dockerera.controller.internal.reconcile.Reconciler;
import org.dockerera.controller.internal.reconcile.Rollout;
import org.dockerera.controller.internal.reconcile.Routers;
import org.dockerera.controller.internal.reconcile.StrayContainer;
import org.dockerera.spi.provider.ContainerInfo;
import org.dockerera.spi.provider.ContainerSpec;
import org.dockerera.spi.provider.HostConnection;
import org.dockerera.spi.provider.LogLine;
import org.dockerera.spi.provider.LogOptions;
import org.dockerera.spi.provider.PortMapping;
import org.dockerera.spi.provider.ProviderException;
import org.dockerera.spi.provider.RegistryCredentials;
import org.dockerera.spi.scheduler.Constraint;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementPlan;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.dockerera.spi.scheduler.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deploy engine: one pass per app on the {@link WorkQueue} starts the app's next queued deploy, observes its
 * instances (records + each host's containers + health probes), asks the pure {@link Reconciler} for a plan and carries
 * the plan out, recording every step in the store before and after it (so a pass after a crash sees each step done or
 * not done). Everything a pass needs is read from the store; nothing survives in memory but probes and timers.
 */
final class Engine implements HealthProber.Listener, AutoCloseable {
    static final String MANAGED_LABEL = "org.dockerera.managed";
    static final String APP_LABEL = "org.dockerera.app";
    static final String RELEASE_LABEL = "org.dockerera.release";
    static final String INSTANCE_LABEL = "org.dockerera.instance";
    static final int KEPT_DEPLOYS = 50;
    static final int KEPT_IMAGES = 3;
    static final int FAILED_LOG_LINES = 15;
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /** The engine's knobs (from {@code etc/org.dockerera.controller.cfg}). */
    record Settings(Rollout rollout, Duration resync, int workers, Duration routerLease, int retainedLogLines,
                    Duration statsTimeout, Duration runRetention) {
        static final int DEFAULT_RETAINED_LOG_LINES = 1000;
        static final Duration DEFAULT_STATS_TIMEOUT = Duration.ofMillis(2500);
        static final Duration DEFAULT_RUN_RETENTION = Duration.ofMinutes(10);
        static final Settings DEFAULT = new Settings(Rollout.DEFAULT, Duration.ofSeconds(2), 4,
                Duration.ofSeconds(10));

        Settings(Rollout rollout, Duration resync, int workers) {
            this(rollout, resync, workers, Duration.ofSeconds(10));
        }

        Settings(Rollout rollout, Duration resync, int workers, Duration routerLease) {
            this(rollout, resync, workers, routerLease, DEFAULT_RETAINED_LOG_LINES, DEFAULT_STATS_TIMEOUT,
                    DEFAULT_RUN_RETENTION);
        }

        Settings withRetainedLogLines(int lines) {
            return new Settings(rollout, resync, workers, routerLease, lines, statsTimeout, runRetention);
        }

        Settings withRunRetention(Duration d) {
            return new Settings(rollout, resync, workers, routerLease, retainedLogLines, statsTimeout, d);
        }
    }

    private final Ledger ledger;
    private final SecretBox secrets;
    private final Supplier<Scheduler> scheduler;
    private final HostService hosts;
    private final HostRegistry registry;
    private final Supplier<RegistryService> registries;
    private final Consumer<Event> bus;
    private final Clock clock;
    /**
     * When this engine began observing: when this controller started, or last took the lease over; see
     * {@link Reconciler#observingSince}.
     */
    private volatile Instant observingSince;
    /** Whether this controller holds the lease (checked before every pass and every step of a plan). */
    private volatile BooleanSupplier acting = () -> true;
    private final Settings settings;
    private final WorkQueue queue;
    private final HealthProber prober;
    private final RouteFleet fleet;
    private final ExecutorService blocking;
    private final ScheduledExecutorService resync;

    Engine(Ledger ledger, SecretBox secrets, Supplier<Scheduler> scheduler, HostService hosts, HostRegistry registry,
           Supplier<RegistryService> registries, Consumer<Event> bus, Clock clock, Settings settings) {
        this.ledger = ledger;
        this.secrets = secrets;
        this.scheduler = scheduler;
        this.hosts = hosts;
        this.registry = registry;
        this.registries = registries;
        this.bus = bus;
        this.clock = clock;
        this.observingSince = clock.instant();
        this.settings = settings;
        this.queue = new WorkQueue(this::pass, settings.workers());
        this.prober = new HealthProber(this);
        this.fleet = new RouteFleet(ledger, clock, settings.routerLease());
        AtomicInteger n = new AtomicInteger();
        this.blocking = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dockerera-engine-call-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.resync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dockerera-engine-resync");
            t.setDaemon(true);
            return t;
        });
    }

    /** Resumes every app (a deploy interrupted by a crash goes on from its records) and resyncs periodically. */
    void start() {
        long ms = settings.resync().toMillis();
        resync.scheduleWithFixedDelay(this::resyncAll, 0, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        resync.shutdownNow();
        queue.close();
        prober.close();
        fleet.close();
        blocking.shutdownNow();
    }

    void kick(String app) {
        queue.kick(app);
    }

    /** Makes every pass and every step of a plan wait for {@code acting} (the controller lease). */
    void actOnlyWhile(BooleanSupplier acting) {
        this.acting = acting;
    }

    /**
     * This controller just took the lease: it observes from now (instances started by the previous holder get their
     * start timeout from here) and resumes every app from its records.
     */
    void tookOver() {
        observingSince = clock.instant();
        kickAll();
    }

    private void requireActing() {
        if (!acting.getAsBoolean()) {
            throw new DockereraException(DockereraException.Kind.UNAVAILABLE, "standby", "Standby controller",
                    "this controller lost the lease; the new holder carries the plan on");
        }
    }

    RouteFleet fleet() {
        return fleet;
    }

    Settings settings() {
        return settings;
    }

    /** The engine's pool for blocking host calls (unbounded, daemon threads). */
    ExecutorService blocking() {
        return blocking;
    }

    void kickAll() {
        try {
            ledger.apps().forEach(a -> queue.kick(a.name()));
        } catch (RuntimeException e) {
            LOG.warn("cannot list apps to resync: {}", e.toString());
        }
    }

    private void resyncAll() {
        if (!acting.getAsBoolean()) {
            return;
        }
        kickAll();
        try {
            checkDrainedHosts();
        } catch (RuntimeException e) {
            LOG.warn("cannot check draining hosts: {}", e.toString());
        }
    }

    private void checkDrainedHosts() {
        List<Host> draining = hosts.list().stream().filter(Host::draining).toList();
        if (draining.isEmpty()) {
            return;
        }
        Set<String> occupied = new HashSet<>();
        ledger.allInstances().forEach(i -> occupied.add(i.hostId()));
        for (Host h : draining) {
            if (!occupied.contains(h.id())) {
                registry.markDrained(h.id());
            }
        }
    }

    @Override
    public void healthChanged(String app, String instanceId, InstanceState state, String detail) {
        queue.kick(app);
    }

    // ==== one pass ===================================================================================================

    Instant pass(String name) {
        if (!acting.getAsBoolean()) {
            return null; // a standby plans nothing; taking the lease over kicks every app
        }
        Optional<AppRecord> found = ledger.app(name);
        if (found.isEmpty()) {
            queue.forget(name);
            return null;
        }
        Instant now = clock.instant();
        DeployRecord deploy = currentDeploy(name, now);
        AppRecord app = ledger.app(name).orElseThrow();
        if (deploy != null && deploy.finishedAlready()) {
            return now; // it failed while starting (image not found, cannot place): the next one may start
        }
        ReleaseRecord target = app.target() == null ? null : ledger.release(name, app.target()).orElse(null);
        ReleaseRecord active = app.app().activeRelease() == null ? null
                : ledger.release(name, app.app().activeRelease()).orElse(null);
        Instant started = deploy != null && deploy.release() != null && target != null
                && deploy.release() == target.release().version() ? deploy.started() : null;
        Desired desired = new Desired(app.app(), target == null ? null : target.release(),
                active == null ? null : active.release(), settings.rollout(), started);
        Observation obs = observe(app, deploy);
        if (obs == null) {
            return now.plusMillis(250); // a host's state is not known yet: decide nothing on half a picture
        }
        Plan plan = new Reconciler(scheduler.get()).observingSince(observingSince).plan(desired, obs.observed, now);
        if (!plan.actions().isEmpty()) {
            LOG.debug("app {}: {}", name, plan.describe());
        }
        Context ctx = new Context(app, deploy, obs);
        execute(ctx, plan.actions());
        if (deploy != null) {
            deploy = ledger.deploy(deploy.id()).orElse(null);
        }
        if (!acting.getAsBoolean()) {
            return null; // lost the lease while carrying the plan out: the new holder finishes it
        }
        if (deploy != null && !deploy.finishedAlready()) {
            if (finishIfDone(ledger.app(name).orElse(app), deploy, plan, now)) {
                return now; // the next deploy in the queue may start
            }
        }
        Instant next = plan.actions().isEmpty() ? plan.nextCheck() : now;
        if (deploy != null && !deploy.finishedAlready()) {
            Instant poll = now.plusMillis(500);
            next = next == null || next.isAfter(poll) ? poll : next;
        }
        return next;
    }

    // ==== the deploy queue ===========================================================================================

    /** The app's running deploy, or its oldest pending one started now; null when the queue is empty. */
    private DeployRecord currentDeploy(String name, Instant now) {
        DeployRecord pending = null;
        for (DeployRecord d : ledger.deploys(name)) {
            if (d.status() == DeployStatus.RUNNING) {
                return ensureStarted(d, now);
            }
            if (d.status() == DeployStatus.PENDING && pending == null) {
                pending = d;
            }
        }
        return pending == null ? null : ensureStarted(pending, now);
    }

    /**
     * Applies what a deploy asks to the app's desired state: idempotent, so a deploy interrupted between its steps is
     * completed on the next pass (the deploy record is written first, with the release it will create).
     */
    private DeployRecord ensureStarted(DeployRecord d, Instant now) {
        AppRecord app = ledger.app(d.app()).orElseThrow();
        switch (d.kind()) {
            case "scale" -> {
                if (d.status() == DeployStatus.PENDING) {
                    d = ledger.updateDeploy(d.id(), x -> x.running(app.app().activeRelease(), now)
                            .withMessage("scaling to " + x.instances() + " instance(s)"));
                    publish(event(EventTypes.DEPLOY_STARTED, d, null, null, "deploy " + d.id() + " started: scale "
                            + d.app() + " to " + d.instances() + " instance(s)"));
                }
                int n = d.instances();
                if (app.app().instances() != n) {
                    ledger.updateApp(d.app(), a -> a.withApp(withInstances(a.app(), n, now)));
                }
                return d;
            }
            case "delete" -> {
                if (d.status() == DeployStatus.PENDING) {
                    d = ledger.updateDeploy(d.id(), x -> x.running(null, now)
                            .withMessage("removing every instance, then the app's records"));
                    publish(event(EventTypes.DEPLOY_STARTED, d, null, null, "deploy " + d.id() + " started: remove app "
                            + d.app()));
                }
                if (app.app().instances() != 0 || !app.deleting()) {
                    ledger.updateApp(d.app(), a -> a.markedDeleting().withApp(withInstances(a.app(), 0, now)));
                }
                return d;
            }
            default -> {
                return ensureReleaseStarted(d, app, now);
            }
        }
    }

    /** deploy, env, config, restart, rollback: a new release becomes the app's target. */
    private DeployRecord ensureReleaseStarted(DeployRecord d, AppRecord app, Instant now) {
        if (d.release() != null && Objects.equals(app.target(), d.release())
                && ledger.release(d.app(), d.release()).isPresent()) {
            return d;
        }
        ReleaseRecord source = sourceOf(d, app);
        if (source == null && !"deploy".equals(d.kind())) {
            DeployRecord failed = ledger.updateDeploy(d.id(), x -> x.finished(DeployStatus.FAILED,
                    "app " + d.app() + " has no active release to " + d.kind() + "; deploy an image first", now));
            publish(event(EventTypes.DEPLOY_FAILED, failed, null, null, failed.message()));
            return failed;
        }
        int version = d.release() != null ? d.release() : app.lastVersion() + 1;
        DeployRecord running = ledger.updateDeploy(d.id(), x -> x.running(version, now)
                .withMessage("rolling out release " + version));
        String image = "deploy".equals(d.kind()) ? d.image() : source.release().image();
        String digest = "deploy".equals(d.kind()) ? null : source.release().digest();
        Map<String, StoredVar> env = switch (d.kind()) {
            case "rollback", "restart" -> source.env();
            default -> app.env();
        };
        String message = switch (d.kind()) {
            case "rollback" -> "rollback to release " + source.release().version();
            case "restart" -> "restart of release " + source.release().version();
            case "env" -> "environment change";
            case "config" -> "settings change";
            default -> "deploy of " + image;
        };
        Release release = new Release(d.app(), version, image, digest, envHash(env), d.kind(), d.actor(), now,
                ReleaseStatus.DEPLOYING, message);
        ledger.putRelease(new ReleaseRecord(release, env, d.id()));
        Integer n = d.instances();
        ledger.updateApp(d.app(), a -> {
            AppRecord next = a.withTarget(version);
            return n == null ? next : next.withApp(withInstances(next.app(), n, now));
        });
        publish(event(EventTypes.DEPLOY_STARTED, running, null, null, "deploy " + d.id() + " started: release "
                + version + " of " + d.app() + " (" + message + ")"));
        if (digest == null) {
            running = resolveImage(running, ledger.app(d.app()).orElseThrow(), release, now);
        }
        return running;
    }

    private ReleaseRecord sourceOf(DeployRecord d, AppRecord app) {
        return switch (d.kind()) {
            case "rollback" -> ledger.release(d.app(), d.rollbackTo()).orElse(null);
            case "deploy" -> null;
            default -> app.app().activeRelease() == null ? null
                    : ledger.release(d.app(), app.app().activeRelease()).orElse(null);
        };
    }

    /**
     * Fails fast what cannot work (no host can take an instance; the image cannot be pulled), else pulls the image on
     * the hosts placement would pick, in parallel, and pins the release to the digest the registry gave.
     */
    private DeployRecord resolveImage(DeployRecord d, AppRecord app, Release release, Instant now) {
        int wanted = app.app().instances();
        List<String> targets = new ArrayList<>();
        if (wanted > 0) {
            PlacementPlan preview = preview(app.app(), wanted);
            if (preview.placed() == 0) {
                return failRelease(d, release, "cannot place any instance of release " + release.version() + ": "
                        + preview.failure() + describeRejections(preview.rejections()), List.of(), now);
            }
            targets.addAll(new LinkedHashSet<>(preview.assignments()));
        } else {
            hosts.list().stream().filter(h -> h.status() == HostStatus.UP).findFirst().ifPresent(h -> targets.add(h.id()));
        }
        if (targets.isEmpty()) {
            return failRelease(d, release, "no host is up to pull " + release.image() + " on", List.of(), now);
        }
        RegistryCredentials credentials = credentials(release.image());
        List<CompletableFuture<String>> pulls = new ArrayList<>();
        for (String hostId : targets) {
            pulls.add(CompletableFuture.supplyAsync(() -> connection(hostId).pull(release.image(), credentials),
                    blocking));
        }
        String digest = null;
        DockereraException failure = null;
        for (CompletableFuture<String> p : pulls) {
            try {
                String dg = p.join();
                digest = digest == null ? dg : digest;
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof DockereraException de) {
                    failure = failure == null ? de : failure;
                } else {
                    throw e;
                }
            }
        }
        if (failure != null) {
            String why = failure.slug().equals("not-found-on-host")
                    ? "image " + release.image() + " was not found in its registry (" + failure.detail() + ")"
                    : "cannot pull image " + release.image() + ": " + failure.detail();
            return failRelease(d, release, why, List.of(), now);
        }
        String pinned = digest;
        ledger.updateRelease(release.app(), release.version(), r -> r.with(new Release(r.release().app(),
                r.release().version(), r.release().image(), pinned, r.release().envHash(), r.release().cause(),
                r.release().token(), r.release().time(), r.release().status(), r.release().message())));
        publish(event(EventTypes.IMAGE_PULLED, d, null, null, "pulled " + release.image()
                + (pinned != null ? " (" + pinned + ")" : "") + " on " + targets.size() + " host(s)"));
        return d;
    }

    private DeployRecord failRelease(DeployRecord d, Release release, String why, List<String> logs, Instant now) {
        ledger.updateRelease(release.app(), release.version(), r -> r.with(withStatus(r.release(),
                ReleaseStatus.FAILED, why)));
        publish(new Event(EventTypes.RELEASE_FAILED, now, release.app(), null, release.version(), d.id(),
                why + logText(logs)));
        DeployRecord failed = ledger.updateDeploy(d.id(), x -> x.finished(DeployStatus.FAILED, why, now));
        publish(event(EventTypes.DEPLOY_FAILED, failed, null, null, "deploy " + d.id() + " failed: " + why));
        ledger.pruneDeploys(d.app(), KEPT_DEPLOYS);
        return failed;
    }

    private static String logText(List<String> logs) {
        return logs.isEmpty() ? "" : "\n" + String.join("\n", logs);
    }

    /** Ends the running deploy when the app is where it asked. Answers whether it ended. */
    private boolean finishIfDone(AppRecord app, DeployRecord d, Plan plan, Instant now) {
        Progress p = plan.progress();
        boolean settled = plan.actions().isEmpty() && p.starting() == 0 && p.outdated() == 0 && p.retiring() == 0
                && p.serving() == p.wanted();
        String progress = p.release() == null ? "no release"
                : "release " + p.release() + ": " + p.serving() + "/" + p.wanted() + " serving"
                + (p.starting() > 0 ? ", " + p.starting() + " starting" : "")
                + (p.outdated() > 0 ? ", " + p.outdated() + " to replace" : "")
                + (p.retiring() > 0 ? ", " + p.retiring() + " leaving" : "");
        boolean done;
        String outcome;
        switch (d.kind()) {
            case "delete" -> {
                done = ledger.instances(app.name()).isEmpty();
                outcome = "app " + app.name() + " removed";
            }
            case "scale" -> {
                done = settled;
                outcome = app.name() + " runs " + p.wanted() + " instance(s)"
                        + (p.release() != null ? " of release " + p.release() : "");
            }
            default -> {
                ReleaseRecord r = d.release() == null ? null : ledger.release(app.name(), d.release()).orElse(null);
                if (r != null && r.release().status() == ReleaseStatus.FAILED) {
                    DeployRecord failed = ledger.updateDeploy(d.id(), x -> x.finished(DeployStatus.FAILED,
                            r.release().message(), now));
                    publish(event(EventTypes.DEPLOY_FAILED, failed, null, null, "deploy " + d.id() + " failed: "
                            + r.release().message()));
                    ledger.pruneDeploys(app.name(), KEPT_DEPLOYS);
                    return true;
                }
                done = settled && r != null && r.release().status() == ReleaseStatus.ACTIVE;
                outcome = "release " + d.release() + " of " + app.name() + " is active on " + p.serving()
                        + " instance(s)";
            }
        }
        if (!done) {
            Duration limit = deadlineOf(app.app());
            if (d.started() != null && now.isAfter(d.started().plus(limit))) {
                String why = "did not finish within " + limit.toSeconds() + " s: " + progress
                        + (plan.unplaced() > 0 && plan.placement() != null ? "; " + plan.placement().failure() : "")
                        + (plan.waits().isEmpty() ? "" : "; waiting for " + plan.waits().get(0));
                DeployRecord failed = ledger.updateDeploy(d.id(), x -> x.finished(DeployStatus.FAILED, why, now));
                publish(event(EventTypes.DEPLOY_FAILED, failed, null, null, "deploy " + d.id() + " failed: " + why));
                return true;
            }
            if (!progress.equals(d.message())) {
                DeployRecord updated = ledger.updateDeploy(d.id(), x -> x.withMessage(progress));
                publish(event(EventTypes.DEPLOY_PROGRESS, updated, null, null, progress));
            }
            return false;
        }
        if ("delete".equals(d.kind())) {
            ledger.deleteApp(app.name());
            fleet.publish(epoch -> { });
            publish(new Event(EventTypes.APP_REMOVED, now, app.name(), null, null, d.id(), "app " + app.name()
                    + " removed"));
        }
        DeployRecord ok = ledger.updateDeploy(d.id(), x -> x.finished(DeployStatus.SUCCEEDED, outcome, now));
        publish(event(EventTypes.DEPLOY_SUCCEEDED, ok, null, null, "deploy " + d.id() + " succeeded: " + outcome));
        ledger.pruneDeploys(app.name(), KEPT_DEPLOYS);
        if (!"delete".equals(d.kind()) && !"scale".equals(d.kind())) {
            blocking.execute(() -> removeOldImages(app.name()));
        }
        return true;
    }

    /** A deploy that has not ended by now failed: start timeout, drain, stop, plus slack for pulls. */
    private static Duration deadlineOf(App app) {
        HealthCheck h = (app.health() == null ? HealthCheck.DEFAULT : app.health()).withDefaults();
        return Duration.ofMillis(2L * h.startTimeoutMs() + app.drainTimeoutMs() + app.stopTimeoutMs())
                .plusSeconds(120);
    }

    /** Images of releases older than the newest {@value #KEPT_IMAGES} distinct ones (and not active) leave the hosts. */
    private void removeOldImages(String app) {
        try {
            List<ReleaseRecord> releases = new ArrayList<>(ledger.releases(app));
            java.util.Collections.reverse(releases);
            Set<String> keep = new LinkedHashSet<>();
            Set<String> drop = new LinkedHashSet<>();
            for (ReleaseRecord r : releases) {
                String image = r.release().pinnedImage();
                if (r.release().status() == ReleaseStatus.ACTIVE || keep.size() < KEPT_IMAGES) {
                    keep.add(image);
                } else if (!keep.contains(image)) {
                    drop.add(image);
                }
            }
            if (drop.isEmpty()) {
                return;
            }
            for (Host h : hosts.list()) {
                if (h.status() != HostStatus.UP) {
                    continue;
                }
                for (String image : drop) {
                    try {
                        connection(h.id()).removeImage(image);
                    } catch (DockereraException e) {
                        LOG.debug("old image {} stays on {}: {}", image, h.id(), e.detail());
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot remove old images of {}: {}", app, e.toString());
        }
    }

    // ==== observing ==================================================================================================

    private record Observation(Observed observed, Map<String, InstanceRecord> records, Map<String, Host> hosts) {
    }

    /**
     * What is true for the app now; null when part of it cannot be known this instant (a host the controller has not
     * heard from yet since it started, a listing that failed on a host that is up): the pass is retried shortly.
     */
    private Observation observe(AppRecord app, DeployRecord deploy) {
        String name = app.name();
        Instant now = clock.instant();
        Map<String, Host> hostById = new LinkedHashMap<>();
        for (Host h : hosts.list()) {
            if (!registry.known(h.id())) {
                LOG.debug("app {}: waiting for the first heartbeat of host {}", name, h.id());
                return null;
            }
            hostById.put(h.id(), h);
        }
        // what each up host runs for this app, listed in parallel, each bounded by the call timeout
        Map<String, CompletableFuture<List<ContainerInfo>>> listings = new HashMap<>();
        for (Host h : hostById.values()) {
            if (h.status() == HostStatus.UP) {
                listings.put(h.id(), CompletableFuture.supplyAsync(() -> connection(h.id())
                        .containers(Map.of(APP_LABEL, name), true), blocking));
            }
        }
        Map<String, List<ContainerInfo>> containers = new HashMap<>();
        boolean complete = true;
        for (Map.Entry<String, CompletableFuture<List<ContainerInfo>>> f : listings.entrySet()) {
            try {
                containers.put(f.getKey(), f.getValue().join());
            } catch (RuntimeException e) {
                LOG.debug("cannot list containers of {} on {}: {}", name, f.getKey(), e.toString());
                complete = false;
            }
        }
        if (!complete) {
            return null; // up but not answering now: the host monitor decides when it is down, not one listing
        }
        Map<String, InstanceRecord> records = new TreeMap<>();
        Set<String> knownContainers = new HashSet<>();
        List<ObservedInstance> observed = new ArrayList<>();
        boolean web = app.app().type() != ProcessType.WORKER;
        for (InstanceRecord r : ledger.instances(name)) {
            List<ContainerInfo> onHost = containers.get(r.hostId());
            InstanceState state;
            Instant since;
            Integer exitCode = null;
            String why = null;
            if (onHost == null) {
                state = InstanceState.LOST;
                Host h = hostById.get(r.hostId());
                why = h == null ? "its host " + r.hostId() + " was removed"
                        : "its host " + h.url() + " does not answer";
            } else {
                ContainerInfo c = find(onHost, r);
                if (c != null && r.containerId() == null) {
                    r = adopt(r, c);
                } else if (c != null && web && r.address() == null && c.running() && address(c, r.hostId()) != null) {
                    // the start call timed out (a slow daemon) but the container runs: learn where it listens
                    r = adopt(r, c);
                }
                if (c != null) {
                    knownContainers.add(c.id());
                }
                if (c == null) {
                    state = InstanceState.STOPPED;
                    why = r.containerId() == null ? (r.message() != null ? r.message() : "its start was interrupted")
                            : "its container " + r.containerId() + " is gone";
                } else if (!c.running()) {
                    state = InstanceState.STOPPED;
                    exitCode = c.exitCode();
                    why = r.stopRequestedAt() != null ? "stopped" : "exited with code " + c.exitCode();
                } else if (!web) {
                    state = InstanceState.HEALTHY;
                } else if (r.address() == null) {
                    state = InstanceState.STARTING;
                } else if (r.retired() && !r.routed() || r.stopRequestedAt() != null) {
                    // leaving: out of routing, soon stopped; no probe may reach it once SIGTERM is sent
                    prober.forget(r.id());
                    state = r.state() == InstanceState.STOPPED || r.state() == InstanceState.LOST
                            ? InstanceState.DRAINING : r.state();
                } else {
                    prober.watch(name, r.id(), r.address(), app.app().health(), r.state());
                    HealthProber.Status s = prober.status(r.id());
                    state = s == null ? InstanceState.STARTING : s.state();
                    why = s == null ? null : s.detail();
                }
            }
            since = state == r.state() ? r.since() : now;
            if (state != r.state()) {
                r = record(r, state, now, exitCode, why, deploy);
            }
            records.put(r.id(), r);
            observed.add(r.observed(state, since));
        }
        for (InstanceRecord r : records.values()) {
            if (r.containerId() != null) {
                knownContainers.add(r.containerId());
            }
        }
        List<StrayContainer> strays = new ArrayList<>();
        containers.forEach((hostId, list) -> {
            for (ContainerInfo c : list) {
                String instance = c.labels().get(INSTANCE_LABEL);
                if (!knownContainers.contains(c.id()) && (instance == null || !records.containsKey(instance))) {
                    strays.add(new StrayContainer(hostId, c.id(), c.name()));
                }
            }
        });
        List<HostSnapshot> snapshots = snapshots(hostById.values(), containers.keySet());
        Set<String> draining = new HashSet<>();
        hostById.values().stream().filter(Host::draining).forEach(h -> draining.add(h.id()));
        return new Observation(new Observed(observed, snapshots, draining, fleet.view(), strays), records, hostById);
    }

    private List<HostSnapshot> snapshots(java.util.Collection<Host> all, Set<String> answering) {
        Map<String, double[]> load = new HashMap<>();
        for (InstanceRecord i : ledger.allInstances()) {
            double[] l = load.computeIfAbsent(i.hostId(), k -> new double[3]);
            l[0] += i.cpus();
            l[1] += i.memoryBytes();
            l[2] += 1;
        }
        List<HostSnapshot> out = new ArrayList<>();
        for (Host h : all) {
            double[] l = load.getOrDefault(h.id(), new double[3]);
            out.add(HostSnapshot.of(h.id(), h.labels(), h.cpus(), h.memoryBytes())
                    .withUp(h.status() == HostStatus.UP && answering.contains(h.id()))
                    .withSchedulable(h.schedulable() && !h.draining())
                    .withLoad(l[0], (long) l[1], 0, (int) l[2]));
        }
        return out;
    }

    private static ContainerInfo find(List<ContainerInfo> onHost, InstanceRecord r) {
        for (ContainerInfo c : onHost) {
            if (c.id().equals(r.containerId()) || r.id().equals(c.labels().get(INSTANCE_LABEL))) {
                return c;
            }
        }
        return null;
    }

    /** A container created just before a crash, before its id was recorded. */
    private InstanceRecord adopt(InstanceRecord r, ContainerInfo c) {
        String address = address(c, r.hostId());
        InstanceRecord adopted = r.withContainer(c.id(), address);
        ledger.putInstance(adopted);
        return adopted;
    }

    private String address(ContainerInfo c, String hostId) {
        for (PortMapping p : c.ports()) {
            String ip = p.hostIp() == null || p.hostIp().isBlank() || p.hostIp().equals("0.0.0.0")
                    ? registry.publishAddress(hostId) : p.hostIp();
            return ip + ":" + p.hostPort();
        }
        return null;
    }

    /** Records an observed state change, with its event. */
    private InstanceRecord record(InstanceRecord r, InstanceState state, Instant now, Integer exitCode, String why,
                                  DeployRecord deploy) {
        InstanceRecord next = r.withState(state, now, exitCode, why);
        ledger.putInstance(next);
        String type = switch (state) {
            case HEALTHY -> EventTypes.INSTANCE_HEALTHY;
            case UNHEALTHY -> EventTypes.INSTANCE_UNHEALTHY;
            case STOPPED -> r.stopRequestedAt() != null ? EventTypes.INSTANCE_STOPPED : EventTypes.INSTANCE_FAILED;
            default -> null;
        };
        if (type != null) {
            publish(instanceEvent(type, next, deploy, "instance " + r.id() + " of " + r.app() + " on " + r.hostId()
                    + " is " + state + (why != null ? " (" + why + ")" : "")));
        }
        return next;
    }

    // ==== carrying plans out =========================================================================================

    private record Context(AppRecord app, DeployRecord deploy, Observation obs) {
    }

    private void execute(Context ctx, List<Action> actions) {
        List<Action> batch = new ArrayList<>();
        for (Action a : actions) {
            if (a instanceof Action.StartInstance || a instanceof Action.Replace) {
                batch.add(a);
                continue;
            }
            runStarts(ctx, batch);
            batch.clear();
            try {
                run(ctx, a);
            } catch (DockereraException e) {
                LOG.info("app {}: {} failed: {}", ctx.app().name(), a, e.detail());
            }
        }
        runStarts(ctx, batch);
    }

    /** New instances start in parallel (each on its own host, typically). */
    private void runStarts(Context ctx, List<Action> starts) {
        if (starts.isEmpty()) {
            return;
        }
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (Action a : starts) {
            running.add(CompletableFuture.runAsync(() -> {
                try {
                    run(ctx, a);
                } catch (DockereraException e) {
                    LOG.info("app {}: {} failed: {}", ctx.app().name(), a, e.detail());
                }
            }, blocking));
        }
        running.forEach(CompletableFuture::join);
    }

    private void run(Context ctx, Action action) {
        requireActing();
        String app = ctx.app().name();
        Instant now = clock.instant();
        if (action instanceof Action.StartInstance s) {
            startNew(ctx, Ids.newId("i"), s.release(), s.hostId(), null);
        } else if (action instanceof Action.Replace r) {
            String id = Ids.newId("i");
            ledger.updateInstance(app, r.instanceId(), i -> i.retired(id));
            startNew(ctx, id, r.release(), r.hostId(), r.instanceId());
        } else if (action instanceof Action.Restart r) {
            restart(ctx, r);
        } else if (action instanceof Action.RouteIn r) {
            route(ctx, r.instanceIds(), true, now);
        } else if (action instanceof Action.RouteOut r) {
            route(ctx, r.instanceIds(), false, now);
        } else if (action instanceof Action.Retire r) {
            ledger.updateInstance(app, r.instanceId(), i -> i.retired(null));
        } else if (action instanceof Action.Stop s) {
            stop(ctx, s.instanceId(), now);
        } else if (action instanceof Action.Remove r) {
            InstanceRecord i = ctx.obs().records().get(r.instanceId());
            if (i != null && i.containerId() != null) {
                retainLogs(ctx.app(), i, i.containerId());
                connection(i.hostId()).remove(i.containerId(), true);
            }
            prober.forget(r.instanceId());
            ledger.deleteInstance(app, r.instanceId());
        } else if (action instanceof Action.RemoveOrphan o) {
            InstanceRecord orphan = o.instanceId() == null ? null : ctx.obs().records().get(o.instanceId());
            if (orphan != null) {
                retainLogs(ctx.app(), orphan, o.containerId());
            }
            connection(o.hostId()).remove(o.containerId(), true);
            if (o.instanceId() != null) {
                prober.forget(o.instanceId());
                ledger.deleteInstance(app, o.instanceId());
            }
            publish(new Event(EventTypes.INSTANCE_STOPPED, now, app, o.hostId(), null, deployId(ctx),
                    "removed orphaned container " + o.containerId() + " of " + app + " on " + o.hostId() + ": "
                            + o.reason(), o.instanceId()));
        } else if (action instanceof Action.Forget f) {
            prober.forget(f.instanceId());
            ledger.deleteInstance(app, f.instanceId());
        } else if (action instanceof Action.MarkActive m) {
            markActive(ctx, m, now);
        } else if (action instanceof Action.MarkFailed f) {
            markFailed(ctx, f, now);
        } else {
            throw new IllegalStateException("unknown action " + action);
        }
    }

    private void startNew(Context ctx, String id, int version, String hostId, String replaces) {
        App app = ctx.app().app();
        ReleaseRecord release = ledger.release(app.name(), version).orElseThrow(() -> new IllegalStateException(
                "release " + version + " of " + app.name() + " is not recorded"));
        Resources res = app.resources() == null ? Resources.NONE : app.resources();
        InstanceRecord r = InstanceRecord.starting(id, app.name(), version, hostId, clock.instant(),
                res.cpuRequest() == null ? 0 : res.cpuRequest(), res.memoryRequest() == null ? 0 : res.memoryRequest());
        ledger.putInstance(r);
        try {
            HostConnection c = connection(hostId);
            String containerId = create(c, containerSpec(app, release, id, hostId));
            r = r.withContainer(containerId, null);
            ledger.putInstance(r);
            c.start(containerId);
            String address = publishedAddress(c, id, hostId);
            r = r.withContainer(containerId, address);
            ledger.putInstance(r);
            if (app.type() != ProcessType.WORKER && address != null) {
                prober.watch(app.name(), id, address, app.health(), InstanceState.STARTING);
            }
            String what = replaces != null ? "instance " + id + " replaces " + replaces + " (its host is down)"
                    : "instance " + id + " of release " + version + " started";
            publish(instanceEvent(replaces != null ? EventTypes.INSTANCE_RESCHEDULED : EventTypes.INSTANCE_STARTED,
                    r, ctx.deploy(), what + " on " + hostId + (address != null ? " at " + address : "")));
        } catch (DockereraException e) {
            String why = "could not start on host " + hostId + ": " + e.detail();
            InstanceRecord failed = r.withState(InstanceState.STOPPED, clock.instant(), null, why);
            ledger.putInstance(failed);
            publish(instanceEvent(EventTypes.INSTANCE_FAILED, failed, ctx.deploy(), "instance " + id + " " + why));
        }
    }

    private void restart(Context ctx, Action.Restart action) {
        App app = ctx.app().app();
        InstanceRecord r = ctx.obs().records().get(action.instanceId());
        if (r == null) {
            return;
        }
        ReleaseRecord release = ledger.release(app.name(), r.release()).orElseThrow();
        InstanceRecord next = r.restarted(clock.instant());
        ledger.putInstance(next);
        try {
            HostConnection c = connection(r.hostId());
            String containerId = r.containerId();
            if (containerId == null) {
                containerId = create(c, containerSpec(app, release, r.id(), r.hostId()));
                next = next.withContainer(containerId, null);
                ledger.putInstance(next);
            }
            c.start(containerId);
            String address = publishedAddress(c, r.id(), r.hostId());
            next = next.withContainer(containerId, address);
            ledger.putInstance(next);
            prober.forget(r.id());
            if (app.type() != ProcessType.WORKER && address != null) {
                prober.watch(app.name(), r.id(), address, app.health(), InstanceState.STARTING);
            }
            publish(instanceEvent(EventTypes.INSTANCE_STARTED, next, ctx.deploy(), "instance " + r.id()
                    + " restarted (attempt " + action.attempt() + "): " + action.reason()));
        } catch (DockereraException e) {
            String why = "could not restart on host " + r.hostId() + ": " + e.detail();
            InstanceRecord failed = next.withState(InstanceState.STOPPED, clock.instant(), null, why);
            ledger.putInstance(failed);
            publish(instanceEvent(EventTypes.INSTANCE_FAILED, failed, ctx.deploy(), "instance " + r.id() + " " + why));
        }
    }

    /**
     * Keeps the last lines of an instance whose container is about to be removed (replaced, drained, failed, scaled
     * down, orphaned), so they outlive it; the app keeps at most {@code retainedLogLines} such lines, the oldest
     * captures losing theirs first. Nothing is kept for an app being removed. A host that cannot answer costs the
     * lines, never the removal.
     */
    private void retainLogs(AppRecord app, InstanceRecord i, String containerId) {
        int max = settings.retainedLogLines();
        if (app.deleting() || max <= 0) {
            return;
        }
        try {
            List<LogLine> lines = connection(i.hostId()).logs(containerId, LogOptions.tail(max));
            if (lines.isEmpty()) {
                return;
            }
            ledger.putRetainedLog(new RetainedLog(app.name(), i.id(), i.release(), i.hostId(), clock.instant(),
                    lines));
            Retention.Plan plan = Retention.trim(ledger.retainedLogs(app.name()), max);
            plan.rewrite().forEach(ledger::putRetainedLog);
            plan.drop().forEach(id -> ledger.deleteRetainedLog(app.name(), id));
        } catch (DockereraException | UnsupportedOperationException e) {
            LOG.info("the last log lines of {} of {} are not kept: {}", i.id(), app.name(), e.getMessage());
        }
    }

    /** Creates the container, pulling its image first when the host does not have it. */
    String create(HostConnection c, ContainerSpec spec) {
        try {
            return c.create(spec);
        } catch (ProviderException e) {
            if (!"not-found-on-host".equals(e.slug())) {
                throw e;
            }
            c.pull(spec.image(), credentials(spec.image()));
            return c.create(spec);
        }
    }

    private ContainerSpec containerSpec(App app, ReleaseRecord release, String id, String hostId) {
        Map<String, String> env = new TreeMap<>();
        env.put("PORT", String.valueOf(app.port()));
        release.env().forEach((k, v) -> env.put(k, v.secret() ? secrets.open(v.value()) : v.value()));
        Map<String, String> labels = Map.of(MANAGED_LABEL, "true", APP_LABEL, app.name(),
                RELEASE_LABEL, String.valueOf(release.release().version()), INSTANCE_LABEL, id);
        Resources res = app.resources() == null ? Resources.NONE : app.resources();
        boolean web = app.type() != ProcessType.WORKER;
        // restart policy "no" on the engine: the controller restarts instances itself, with back-off, and knows it
        return new ContainerSpec(app.name() + "." + id, release.release().pinnedImage(), app.command(), env, labels,
                web ? app.port() : null, web ? registry.publishAddress(hostId) : null, res.memoryLimit(),
                res.cpuLimit(), "no");
    }

    private String publishedAddress(HostConnection c, String instanceId, String hostId) {
        for (ContainerInfo info : c.containers(Map.of(INSTANCE_LABEL, instanceId), true)) {
            String a = address(info, hostId);
            if (a != null) {
                return a;
            }
        }
        return null;
    }

    /** Publishes the next route table epoch with these instances added or removed. */
    private void route(Context ctx, List<String> ids, boolean in, Instant now) {
        List<InstanceRecord> drained = new ArrayList<>();
        long epoch = fleet.publish(e -> {
            for (String id : ids) {
                ledger.updateInstance(ctx.app().name(), id, i -> i.withRouting(in, e, now))
                        .filter(r -> !in && r.retired()).ifPresent(drained::add);
                if (!in) {
                    prober.forget(id); // its drain starts: from now on only routers' in-flight requests reach it
                }
            }
        }).epoch();
        for (InstanceRecord r : drained) {
            publish(instanceEvent(EventTypes.INSTANCE_DRAINING, r, ctx.deploy(), "instance " + r.id()
                    + " is out of routing (epoch " + epoch + "); stopped after its drain timeout of "
                    + ctx.app().app().drainTimeoutMs() + " ms"));
        }
        publish(new Event(EventTypes.ROUTES_CHANGED, now, ctx.app().name(), null, null, deployId(ctx), "route table "
                + "epoch " + epoch + ": " + (in ? "added " : "removed ") + String.join(", ", ids), null));
    }

    /** SIGTERM then SIGKILL after the stop timeout, off the app's queue (it can take that long). */
    private void stop(Context ctx, String id, Instant now) {
        Optional<InstanceRecord> updated = ledger.updateInstance(ctx.app().name(), id, i -> i.stopRequested(now));
        if (updated.isEmpty() || updated.get().containerId() == null) {
            return;
        }
        InstanceRecord r = updated.get();
        prober.forget(id);
        Duration timeout = Duration.ofMillis(ctx.app().app().stopTimeoutMs());
        String app = ctx.app().name();
        blocking.execute(() -> {
            try {
                connection(r.hostId()).stop(r.containerId(), timeout);
            } catch (DockereraException e) {
                LOG.info("stopping {} of {} on {}: {}", id, app, r.hostId(), e.detail());
            } finally {
                queue.kick(app);
            }
        });
    }

    private void markActive(Context ctx, Action.MarkActive m, Instant now) {
        String app = ctx.app().name();
        ReleaseRecord r = ledger.updateRelease(app, m.release(), x -> x.with(withStatus(x.release(),
                ReleaseStatus.ACTIVE, x.release().message())));
        for (ReleaseRecord other : ledger.releases(app)) {
            int v = other.release().version();
            if (v != m.release() && other.release().status() == ReleaseStatus.ACTIVE) {
                ledger.updateRelease(app, v, x -> x.with(withStatus(x.release(), ReleaseStatus.SUPERSEDED,
                        x.release().message())));
            }
        }
        ledger.updateApp(app, a -> a.withApp(new App(a.app().name(), a.app().instances(), a.app().type(),
                a.app().port(), a.app().command(), a.app().health(), a.app().resources(), a.app().restartPolicy(),
                a.app().drainTimeoutMs(), a.app().stopTimeoutMs(), a.app().constraints(), m.release(),
                r.release().image(), a.app().created(), a.app().updated())));
        publish(new Event(EventTypes.RELEASE_ACTIVE, now, app, null, m.release(), deployId(ctx), "release "
                + m.release() + " of " + app + " is active (" + r.release().pinnedImage() + ")"
                + (m.supersedes() != null ? ", superseding release " + m.supersedes() : ""), null));
    }

    private void markFailed(Context ctx, Action.MarkFailed f, Instant now) {
        String app = ctx.app().name();
        List<String> logs = new ArrayList<>();
        for (String id : f.failedInstanceIds().subList(0, Math.min(2, f.failedInstanceIds().size()))) {
            InstanceRecord i = ctx.obs().records().get(id);
            if (i == null || i.containerId() == null) {
                continue;
            }
            HealthProber.Status probe = prober.status(id);
            if (probe != null && probe.detail() != null) {
                logs.add("last health check of " + id + " at " + i.address() + ": " + probe.detail());
            }
            try {
                List<String> lines = connection(i.hostId()).logs(i.containerId(), FAILED_LOG_LINES);
                logs.add("last log lines of " + id + " on " + i.hostId() + ":");
                lines.forEach(l -> logs.add("  " + l));
            } catch (DockereraException e) {
                logs.add("(logs of " + id + " unavailable: " + e.detail() + ")");
            }
        }
        ReleaseRecord r = ledger.release(app, f.release()).orElse(null);
        DeployRecord d = r == null ? null : ledger.deploy(r.deployId()).orElse(null);
        if (d != null && !d.finishedAlready()) {
            failRelease(d, r.release(), f.reason(), logs, now);
        } else if (r != null) {
            ledger.updateRelease(app, f.release(), x -> x.with(withStatus(x.release(), ReleaseStatus.FAILED,
                    f.reason())));
            publish(new Event(EventTypes.RELEASE_FAILED, now, app, null, f.release(), null, f.reason()
                    + logText(logs), null));
        }
    }

    // ==== helpers ====================================================================================================

    /** Where a fresh release of {@code app} would go: no instance of it counted anywhere. */
    PlacementPlan preview(App app, int count) {
        Resources r = app.resources() == null ? Resources.NONE : app.resources();
        PlacementRequest request = new PlacementRequest(app.name(), count, r.cpuRequest() == null ? 0 : r.cpuRequest(),
                r.memoryRequest() == null ? 0 : r.memoryRequest(), Constraint.parseAll(app.constraints()), 0);
        List<Host> all = hosts.list();
        Set<String> up = new HashSet<>();
        all.stream().filter(h -> h.status() == HostStatus.UP).forEach(h -> up.add(h.id()));
        List<HostSnapshot> snapshots = new ArrayList<>();
        for (HostSnapshot s : snapshots(all, up)) {
            snapshots.add(s.withAppInstances(0));
        }
        return scheduler.get().place(request, snapshots);
    }

    static String describeRejections(Map<String, List<String>> rejections) {
        if (rejections.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" (");
        rejections.forEach((host, why) -> b.append(b.length() > 2 ? "; " : "").append(host).append(": ")
                .append(String.join(", ", why)));
        return b.append(')').toString();
    }

    HostConnection connection(String hostId) {
        return registry.connection(hostId).orElseThrow(() -> DockereraException.unavailable("host-unreachable",
                "host " + hostId + " is not monitored (removed?)", null));
    }

    private RegistryCredentials credentials(String image) {
        RegistryService rs = registries.get();
        if (rs == null) {
            return null;
        }
        Optional<RegistrySpec> spec = rs.credentialsFor(image);
        return spec.map(s -> new RegistryCredentials(s.server(), s.username(), s.password())).orElse(null);
    }

    static App withInstances(App a, int n, Instant now) {
        return new App(a.name(), n, a.type(), a.port(), a.command(), a.health(), a.resources(), a.restartPolicy(),
                a.drainTimeoutMs(), a.stopTimeoutMs(), a.constraints(), a.activeRelease(), a.image(), a.created(), now);
    }

    static Release withStatus(Release r, ReleaseStatus status, String message) {
        return new Release(r.app(), r.version(), r.image(), r.digest(), r.envHash(), r.cause(), r.token(), r.time(),
                status, message);
    }

    /** SHA-256 over the sorted names and plain values (secrets compared by their sealed form's plain text). */
    String envHash(Map<String, StoredVar> env) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, StoredVar> e : new TreeMap<>(env).entrySet()) {
                String value = e.getValue().secret() ? secrets.open(e.getValue().value()) : e.getValue().value();
                sha.update((e.getKey() + "=" + value + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String deployId(Context ctx) {
        return ctx.deploy() == null ? null : ctx.deploy().id();
    }

    private static Event event(String type, DeployRecord d, String hostId, String instance, String message) {
        return new Event(type, Instant.now(), d.app(), hostId, d.release(), d.id(), message, instance);
    }

    private static Event instanceEvent(String type, InstanceRecord r, DeployRecord d, String message) {
        return new Event(type, Instant.now(), r.app(), r.hostId(), r.release(), d == null ? null : d.id(), message,
                r.id());
    }

    /** To the bus, and into the deploy's own log when it belongs to one. */
    void publish(Event e) {
        if (e.deployId() != null) {
            try {
                ledger.updateDeploy(e.deployId(), d -> d.withEvent(e));
            } catch (RuntimeException ex) {
                LOG.debug("cannot record event {} in deploy {}: {}", e.type(), e.deployId(), ex.toString());
            }
        }
        try {
            bus.accept(e);
        } catch (RuntimeException ex) {
            LOG.debug("cannot publish {}: {}", e.type(), ex.toString());
        }
    }
}
