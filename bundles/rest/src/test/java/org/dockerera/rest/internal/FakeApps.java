package org.dockerera.rest.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.dockerera.api.ImageReference;
import org.dockerera.api.Instance;
import org.dockerera.api.InstanceState;
import org.dockerera.api.Release;
import org.dockerera.api.ReleaseStatus;
import org.dockerera.api.events.Event;

/** Recording app and deploy services: what the REST layer passes on, and canned answers. */
final class FakeApps implements AppService {
    final Map<String, App> apps = new ConcurrentHashMap<>();
    final Map<String, Map<String, EnvVar>> env = new ConcurrentHashMap<>();
    final Map<String, Deploy> deploys = new ConcurrentHashMap<>();
    final Map<String, List<Event>> deployEvents = new ConcurrentHashMap<>();
    /** What was asked, in order: {@code deploy app image instances by}, {@code explain …}, {@code scale …}. */
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** Runs inside {@link DeployService#events} before it answers: a test publishes "meanwhile" from here. */
    volatile Runnable whileReadingEvents = () -> { };
    private final Fakes.FakeEventBus bus;

    FakeApps(Fakes.FakeEventBus bus) {
        this.bus = bus;
    }

    private App require(String name) {
        App a = apps.get(name);
        if (a == null) {
            throw DockereraException.notFound("app-not-found", "no app '" + name + "'");
        }
        return a;
    }

    private Deploy newDeploy(String app, String kind, Integer release) {
        Deploy d = new Deploy("d-" + (deploys.size() + 1), app, kind, DeployStatus.PENDING, release, "queued",
                Fakes.T0, null);
        deploys.put(d.id(), d);
        return d;
    }

    /** Marks an app as deployed once (release 2 active): from then on env and settings changes roll out. */
    App deployed(String name) {
        App a = require(name);
        App d = new App(a.name(), a.instances(), a.type(), a.port(), a.command(), a.health(), a.resources(),
                a.restartPolicy(), a.drainTimeoutMs(), a.stopTimeoutMs(), a.constraints(), 2, "127.0.0.1:5000/web:v2",
                a.created(), a.updated());
        apps.put(name, d);
        return d;
    }

    /** A deploy for a change to running containers, or null (recorded only) before the app's first deploy. */
    private Deploy rollout(String app, String kind) {
        return require(app).activeRelease() == null ? null : newDeploy(app, kind, null);
    }

    /** Stores an event of a deploy and publishes it (as the engine does: stored first). */
    void record(Event e) {
        deployEvents.computeIfAbsent(e.deployId(), k -> new CopyOnWriteArrayList<>()).add(e);
        bus.publish(e);
    }

    /**
     * Ends a deploy as the engine does: marks it finished, then stores and publishes its terminal event.
     */
    void finish(String id, boolean ok) {
        Deploy done = markFinished(id, ok);
        record(new Event(ok ? "deploy.succeeded" : "deploy.failed", done.finished(), done.app(), null, done.release(),
                id, done.message()));
    }

    /** The engine's first step alone: the deploy reads as finished, its terminal event is not out yet. */
    Deploy markFinished(String id, boolean ok) {
        Deploy d = deploys.get(id);
        Deploy done = new Deploy(d.id(), d.app(), d.kind(), ok ? DeployStatus.SUCCEEDED : DeployStatus.FAILED,
                d.release(), ok ? "done" : "broken", d.created(), Instant.now());
        deploys.put(id, done);
        return done;
    }

    // ---- AppService ----

    @Override
    public List<App> list() {
        return new ArrayList<>(new TreeMap<>(apps).values());
    }

    @Override
    public App get(String name) {
        return require(name);
    }

    @Override
    public App create(AppSpec spec) {
        if (spec.name() == null) {
            throw DockereraException.invalid("invalid-app-name", "name is required");
        }
        if (apps.containsKey(spec.name())) {
            throw DockereraException.conflict("app-exists", "app " + spec.name() + " already exists");
        }
        App a = App.create(spec, Fakes.T0);
        apps.put(a.name(), a);
        calls.add("create " + a.name());
        return a;
    }

    @Override
    public AppUpdate patch(String name, AppSpec patch, String actor) {
        App a = require(name).patch(patch, Fakes.T0);
        apps.put(name, a);
        calls.add("patch " + name + " by " + actor);
        boolean containersChange = patch.instances() != null || patch.port() != null || patch.command() != null
                || patch.type() != null || patch.resources() != null || patch.health() != null
                || patch.restartPolicy() != null || patch.stopTimeoutMs() != null;
        return new AppUpdate(a, containersChange ? rollout(name, patch.instances() != null ? "scale" : "config") : null);
    }

    @Override
    public Deploy remove(String name, String actor) {
        require(name);
        calls.add("remove " + name + " by " + actor);
        return newDeploy(name, "delete", null);
    }

    @Override
    public List<EnvVar> env(String app) {
        require(app);
        return env.getOrDefault(app, Map.of()).values().stream().map(EnvVar::masked)
                .sorted(java.util.Comparator.comparing(EnvVar::key)).toList();
    }

    @Override
    public AppUpdate patchEnv(String app, Map<String, String> changes, String actor) {
        require(app);
        Map<String, EnvVar> e = env.computeIfAbsent(app, k -> new ConcurrentHashMap<>());
        changes.forEach((k, v) -> {
            if (v == null) {
                e.remove(k);
            } else {
                e.put(k, new EnvVar(k, v, false));
            }
        });
        calls.add("env " + app + " " + new TreeMap<>(nullSafe(changes)) + " by " + actor);
        return new AppUpdate(require(app), rollout(app, "env"));
    }

    private static Map<String, String> nullSafe(Map<String, String> m) {
        Map<String, String> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v == null ? "<unset>" : v));
        return out;
    }

    @Override
    public AppUpdate setEnv(String app, String key, String value, boolean secret, String actor) {
        require(app);
        env.computeIfAbsent(app, k -> new ConcurrentHashMap<>()).put(key, new EnvVar(key, value, secret));
        calls.add("setenv " + app + " " + key + " secret=" + secret + " by " + actor);
        return new AppUpdate(require(app), rollout(app, "env"));
    }

    @Override
    public List<Release> releases(String app) {
        require(app);
        return List.of(new Release(app, 2, "127.0.0.1:5000/web:v2", null, "sha256:x", "deploy", "ci", Fakes.T0,
                ReleaseStatus.ACTIVE, null), new Release(app, 1, "127.0.0.1:5000/web:v1", null, "sha256:y", "deploy",
                "ci", Fakes.T0, ReleaseStatus.SUPERSEDED, null));
    }

    @Override
    public Release release(String app, int version) {
        return releases(app).stream().filter(r -> r.version() == version).findFirst().orElseThrow(() ->
                DockereraException.notFound("release-not-found", "no release " + version));
    }

    @Override
    public List<Instance> instances(String app) {
        require(app);
        return List.of(new Instance("i-1", app, 2, "h1", "c1", "127.0.0.2:32768", InstanceState.HEALTHY, Fakes.T0));
    }

    /** With stats: i-1's are known, i-2's (a slow host) not. */
    @Override
    public List<Instance> instances(String app, boolean stats) {
        calls.add("instances " + app + " stats=" + stats);
        if (!stats) {
            return instances(app);
        }
        return List.of(instances(app).get(0).withStats(new org.dockerera.api.InstanceStats(0.4, 1234567, 268435456)),
                new Instance("i-2", app, 2, "h2", "c2", "127.0.0.3:32768", InstanceState.HEALTHY, Fakes.T0));
    }

    /** The deploy service side (a separate object: both interfaces have a get(String)). */
    final DeployService deployService = new DeployService() {

        @Override
        public Deploy deploy(String app, DeployRequest request, String actor) {
            require(app);
            ImageReference.parse(request.image());
            calls.add("deploy " + app + " " + request.image() + " " + request.instances() + " by " + actor);
            return newDeploy(app, "deploy", null);
        }

        @Override
        public Explanation explain(String app, DeployRequest request) {
            require(app);
            calls.add("explain " + app + " " + request.instances());
            return new Explanation(app, 2, "spread", List.of(new Explanation.Placement("h1", "tcp://127.0.0.2:2375")),
                    Map.of("h2", List.of("down")), List.of(), false, "only 1 of 2 instances fit");
        }

        @Override
        public Deploy rollback(String app, Integer release, String actor) {
            require(app);
            calls.add("rollback " + app + " " + release + " by " + actor);
            return newDeploy(app, "rollback", null);
        }

        @Override
        public Deploy scale(String app, int instances, String actor) {
            require(app);
            calls.add("scale " + app + " " + instances + " by " + actor);
            return newDeploy(app, "scale", null);
        }

        @Override
        public Deploy restart(String app, String actor) {
            require(app);
            calls.add("restart " + app + " by " + actor);
            return newDeploy(app, "restart", null);
        }

        @Override
        public Deploy get(String id) {
            Deploy d = deploys.get(id);
            if (d == null) {
                throw DockereraException.notFound("deploy-not-found", "no deploy '" + id + "'");
            }
            return d;
        }

        @Override
        public List<Deploy> list(String app) {
            require(app);
            return deploys.values().stream().filter(d -> d.app().equals(app)).toList();
        }

        @Override
        public List<Event> events(String deployId) {
            this.get(deployId);
            whileReadingEvents.run();
            return List.copyOf(deployEvents.getOrDefault(deployId, List.of()));
        }
    };
}
