package org.dockerera.controller.internal.apps;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.dockerera.api.App;
import org.dockerera.api.DockereraException;
import org.dockerera.api.Host;
import org.dockerera.api.HostService;
import org.dockerera.api.HostStatus;
import org.dockerera.api.Resources;
import org.dockerera.api.Run;
import org.dockerera.api.RunRequest;
import org.dockerera.api.RunService;
import org.dockerera.api.RunStatus;
import org.dockerera.controller.internal.Ids;
import org.dockerera.controller.internal.SecretBox;
import org.dockerera.spi.provider.ContainerInfo;
import org.dockerera.spi.provider.ContainerSpec;
import org.dockerera.spi.provider.HostConnection;
import org.dockerera.spi.provider.LogFollower;
import org.dockerera.spi.provider.LogLine;
import org.dockerera.spi.provider.LogOptions;
import org.dockerera.spi.scheduler.PlacementPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-off runs: a container of the app's active release (pinned image, its environment with secrets opened, the
 * request's variables over it) with the command as entrypoint and arguments, on the host placement picks, labelled
 * {@value #RUN_LABEL} and never {@value Engine#APP_LABEL}, so the engine never takes it for an instance or an orphan.
 * Its output is read from its start by following its log; once it exited, its exit code is read, its container
 * removed, and the finished run with its output kept in memory for {@code retention}. A sweep removes exited run
 * containers nobody tracks (a controller that died while they ran).
 */
final class Runs implements AutoCloseable {
    static final String RUN_LABEL = "org.dockerera.run";
    static final String RUN_APP_LABEL = "org.dockerera.run.app";
    /** Lines of output kept per run (the oldest go first). */
    static final int MAX_OUTPUT_LINES = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(Runs.class);

    private final Ledger ledger;
    private final Engine engine;
    private final SecretBox secrets;
    private final HostService hosts;
    private final ExecutorService blocking;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Duration retention;
    private final Map<String, Tracked> runs = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> sweeper;

    Runs(Ledger ledger, Engine engine, SecretBox secrets, HostService hosts, ExecutorService blocking,
         ScheduledExecutorService timer, Clock clock, Duration retention) {
        this.ledger = ledger;
        this.engine = engine;
        this.secrets = secrets;
        this.hosts = hosts;
        this.blocking = blocking;
        this.timer = timer;
        this.clock = clock;
        this.retention = retention;
        this.sweeper = timer.scheduleWithFixedDelay(this::sweep, 5, 60, TimeUnit.SECONDS);
    }

    Run start(String appName, RunRequest request, String actor) {
        if (request == null) {
            throw DockereraException.invalid("invalid-request", "a run needs a body: {\"command\": [...]}");
        }
        request.validate();
        AppRecord app = ledger.requireApp(appName);
        Integer active = app.app().activeRelease();
        ReleaseRecord release = active == null ? null : ledger.release(appName, active).orElse(null);
        if (release == null) {
            throw DockereraException.conflict("not-deployed", "app " + appName + " has no active release to run "
                    + "a command in; deploy an image first (POST /api/apps/" + appName + "/deploys)");
        }
        PlacementPlan placement = engine.preview(app.app(), 1);
        if (placement.assignments().isEmpty()) {
            throw DockereraException.unavailable("no-host-available", "no host can take a run of " + appName + ": "
                    + placement.failure() + Engine.describeRejections(placement.rejections()), null);
        }
        String hostId = placement.assignments().get(0);
        String id = Ids.newId("r");
        ContainerSpec spec = spec(app.app(), release, id, request);
        HostConnection c = engine.connection(hostId);
        String containerId = engine.create(c, spec);
        try {
            c.start(containerId);
        } catch (DockereraException e) {
            removeQuietly(c, containerId);
            throw e;
        }
        Run run = new Run(id, appName, release.release().version(), spec.image(), hostId, request.command(),
                RunStatus.RUNNING, null, clock.instant(), null);
        Tracked t = new Tracked(run, containerId, c);
        runs.put(id, t);
        LOG.info("run {} of {} (release {}) started on {} by {}: {}", id, appName, run.release(), hostId, actor,
                String.join(" ", request.command()));
        follow(t, null);
        return run;
    }

    private ContainerSpec spec(App app, ReleaseRecord release, String id, RunRequest request) {
        Map<String, String> env = new TreeMap<>();
        env.put("PORT", String.valueOf(app.port()));
        release.env().forEach((k, v) -> env.put(k, v.secret() ? secrets.open(v.value()) : v.value()));
        env.putAll(request.env());
        Map<String, String> labels = Map.of(Engine.MANAGED_LABEL, "true", RUN_LABEL, id, RUN_APP_LABEL, app.name(),
                Engine.RELEASE_LABEL, String.valueOf(release.release().version()));
        Resources res = app.resources() == null ? Resources.NONE : app.resources();
        List<String> command = request.command();
        return new ContainerSpec(app.name() + "." + id, release.release().pinnedImage(),
                command.subList(1, command.size()), env, labels, null, null, res.memoryLimit(), res.cpuLimit(), "no",
                List.of(command.get(0)));
    }

    Run get(String app, String id) {
        return tracked(app, id).run;
    }

    RunService.RunOutput output(String app, String id) {
        Tracked t = tracked(app, id);
        return new RunService.RunOutput() {
            private RunService.OutputListener listener;

            @Override
            public void start(RunService.OutputListener l) {
                synchronized (t) {
                    listener = l;
                    for (LogLine line : t.output) {
                        l.line(line.stream(), line.line());
                    }
                    if (t.done) {
                        l.exit(t.run.exitCode());
                    } else {
                        t.listeners.add(l);
                    }
                }
            }

            @Override
            public void close() {
                synchronized (t) {
                    t.listeners.remove(listener);
                }
            }
        };
    }

    void remove(String app, String id) {
        Tracked t = tracked(app, id);
        runs.remove(id);
        closeQuietly(t.stream);
        removeQuietly(t.connection, t.containerId);
        finish(t, null, false);
    }

    private Tracked tracked(String app, String id) {
        ledger.requireApp(app);
        Tracked t = runs.get(id);
        if (t == null || !t.run.app().equals(app)) {
            throw DockereraException.notFound("run-not-found", "app " + app + " has no run '" + id + "' (a finished "
                    + "run is kept " + retention.toMinutes() + " minutes)");
        }
        return t;
    }

    /** Follows the run's output from {@code since} (null: its start); at the stream's end, reads its exit. */
    private void follow(Tracked t, java.time.Instant since) {
        try {
            AutoCloseable stream = t.connection.followLogs(t.containerId, new LogOptions(null, since),
                    new LogFollower() {
                        @Override
                        public void line(LogLine line) {
                            t.add(line);
                        }

                        @Override
                        public void ended(Throwable failure) {
                            blocking.execute(() -> streamEnded(t, failure));
                        }
                    });
            synchronized (t) {
                t.stream = stream;
            }
        } catch (RuntimeException e) {
            blocking.execute(() -> streamEnded(t, e));
        }
    }

    /** The log ends when the container stops, or broke: then it is followed again if the run still runs. */
    private void streamEnded(Tracked t, Throwable failure) {
        if (t.done || !runs.containsKey(t.run.id())) {
            return;
        }
        Integer code;
        try {
            code = t.connection.awaitExit(t.containerId, failure == null ? Duration.ofSeconds(10) : Duration.ZERO);
        } catch (DockereraException e) {
            if ("not-found-on-host".equals(e.slug())) {
                finish(t, null, true);
                return;
            }
            LOG.info("run {} of {}: cannot read its state on {} ({}); trying again", t.run.id(), t.run.app(),
                    t.run.host(), e.detail());
            timer.schedule(() -> blocking.execute(() -> streamEnded(t, failure)), 5, TimeUnit.SECONDS);
            return;
        }
        if (code == null) {
            // still running: the stream broke; follow on from the last line read
            timer.schedule(() -> follow(t, t.lastTime()), failure == null ? 0 : 1, TimeUnit.SECONDS);
            return;
        }
        finish(t, code, true);
    }

    /** Marks the run exited, tells its readers, removes its container (unless gone), and forgets it later. */
    private void finish(Tracked t, Integer code, boolean removeContainer) {
        List<RunService.OutputListener> listeners;
        synchronized (t) {
            if (t.done) {
                return;
            }
            t.done = true;
            t.run = new Run(t.run.id(), t.run.app(), t.run.release(), t.run.image(), t.run.host(), t.run.command(),
                    RunStatus.EXITED, code, t.run.created(), clock.instant());
            listeners = new ArrayList<>(t.listeners);
            t.listeners.clear();
        }
        LOG.info("run {} of {} exited with {}", t.run.id(), t.run.app(), code);
        for (RunService.OutputListener l : listeners) {
            try {
                l.exit(code);
            } catch (RuntimeException e) {
                LOG.debug("a reader of run {} failed", t.run.id(), e);
            }
        }
        if (removeContainer) {
            removeQuietly(t.connection, t.containerId);
        }
        timer.schedule(() -> runs.remove(t.run.id(), t), retention.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Exited run containers that no run here tracks are removed (their run's controller is gone). */
    void sweep() {
        try {
            java.util.Set<String> tracked = new java.util.HashSet<>();
            runs.values().forEach(t -> tracked.add(t.containerId));
            for (Host h : hosts.list()) {
                if (h.status() != HostStatus.UP) {
                    continue;
                }
                try {
                    HostConnection c = engine.connection(h.id());
                    for (ContainerInfo info : c.containers(Map.of(Engine.MANAGED_LABEL, "true"), true)) {
                        if (info.labels().containsKey(RUN_LABEL) && !info.running() && !tracked.contains(info.id())) {
                            LOG.info("removing the container of run {} of {} on {}: it exited untracked",
                                    info.labels().get(RUN_LABEL), info.labels().get(RUN_APP_LABEL), h.id());
                            removeQuietly(c, info.id());
                        }
                    }
                } catch (DockereraException e) {
                    LOG.debug("cannot sweep run containers on {}: {}", h.id(), e.detail());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("sweeping run containers failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        sweeper.cancel(false);
        for (Tracked t : runs.values()) {
            closeQuietly(t.stream);
        }
    }

    private void removeQuietly(HostConnection c, String containerId) {
        try {
            c.remove(containerId, true);
        } catch (DockereraException e) {
            LOG.info("cannot remove run container {}: {}", containerId, e.detail());
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing a run's log stream failed", e);
        }
    }

    /** A run and its output. Guarded by itself. */
    private static final class Tracked {
        volatile Run run;
        final String containerId;
        final HostConnection connection;
        final java.util.ArrayDeque<LogLine> output = new java.util.ArrayDeque<>();
        final List<RunService.OutputListener> listeners = new ArrayList<>();
        volatile boolean done;
        AutoCloseable stream;
        private final Map<String, java.time.Instant> marks = new java.util.HashMap<>();

        Tracked(Run run, String containerId, HostConnection connection) {
            this.run = run;
            this.containerId = containerId;
            this.connection = connection;
        }

        synchronized void add(LogLine line) {
            java.time.Instant mark = marks.get(line.stream());
            if (mark != null && !line.time().isAfter(mark)) {
                return; // read again after a broken stream
            }
            marks.put(line.stream(), line.time());
            output.add(line);
            if (output.size() > MAX_OUTPUT_LINES) {
                output.removeFirst();
            }
            for (RunService.OutputListener l : listeners) {
                try {
                    l.line(line.stream(), line.line());
                } catch (RuntimeException e) {
                    LOG.debug("a reader of run {} failed", run.id(), e);
                }
            }
        }

        synchronized java.time.Instant lastTime() {
            return marks.values().stream().min(java.time.Instant::compareTo).orElse(null);
        }
    }
}
