package org.dockerera.controller.internal.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.dockerera.api.App;
import org.dockerera.api.AppSpec;
import org.dockerera.api.HealthCheck;
import org.dockerera.api.InstanceState;
import org.dockerera.api.ProcessType;
import org.dockerera.api.Release;
import org.dockerera.api.ReleaseStatus;
import org.dockerera.api.Resources;
import org.dockerera.spi.scheduler.HostSnapshot;

/**
 * One app in a simulated cluster, with a simulated executor that carries plans out the way the real ones must
 * (recording what each action sets), and a world that changes between reconciler runs only when a test says so
 * ({@link #settle} makes it do what a healthy world does: instances become healthy, stops finish, routers ack).
 * <p>
 * The executor checks the safety rules as it goes, whatever the plan says: nothing is stopped or removed while a
 * router may still send it traffic or before its drain timeout, and (when {@link #watchServing} is on) how many
 * healthy instances every router sees never drops below {@link #lowWater}'s record.
 */
final class World {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    static final String NAME = "web.test";
    static final int START_TIMEOUT_MS = 60_000;
    static final int DRAIN_MS = 2_000;
    static final int STOP_MS = 10_000;

    final RecordingScheduler scheduler = new RecordingScheduler();
    final Reconciler reconciler = new Reconciler(scheduler);
    Instant now = T0;
    App app;
    final TreeMap<Integer, Release> releases = new TreeMap<>();
    Integer target;
    Integer active;
    Rollout rollout = Rollout.DEFAULT;
    Instant deployStarted;
    final TreeMap<String, HostSnapshot> hosts = new TreeMap<>();
    final Set<String> draining = new TreeSet<>();
    final TreeMap<String, ObservedInstance> instances = new TreeMap<>();
    final List<StrayContainer> strays = new ArrayList<>();
    int routers;
    long acked;
    long epoch;
    /** The instance ids of every published route table, by epoch. */
    final TreeMap<Long, Set<String>> tables = new TreeMap<>(Map.of(0L, Set.of()));
    /** Releases whose instances never become healthy. */
    final Set<Integer> broken = new HashSet<>();
    final List<Action> applied = new ArrayList<>();
    int seq;
    boolean watchServing;
    int lowWater = Integer.MAX_VALUE;

    World(App app, String... hostIds) {
        this.app = app;
        for (String h : hostIds) {
            hosts.put(h, HostSnapshot.of(h, Map.of(), 4, 8L << 30));
        }
    }

    /** A web app with {@code instances} instances on these hosts; nothing deployed yet. */
    static World web(int instances, String... hostIds) {
        return new World(app(instances, ProcessType.WEB, "on-failure", null), hostIds);
    }

    /** A web app already running release 1 with {@code instances} instances, active, everything settled. */
    static World running(int instances, String... hostIds) {
        World w = web(instances, hostIds);
        w.deploy();
        w.converge();
        return w;
    }

    static App app(int instances, ProcessType type, String restartPolicy, List<String> constraints) {
        return App.create(new AppSpec(NAME, instances, type, 8080, null,
                new HealthCheck("/", null, null, null, null, null, START_TIMEOUT_MS), Resources.NONE, restartPolicy,
                DRAIN_MS, STOP_MS, constraints), T0);
    }

    // ---- desired state changes

    /** Records and targets a new release (as a deploy, env change, restart or rollback does). */
    int deploy() {
        int v = releases.isEmpty() ? 1 : releases.lastKey() + 1;
        releases.put(v, new Release(NAME, v, "127.0.0.1:5000/web:v" + v, null, "env" + v, "deploy", "token", now,
                ReleaseStatus.DEPLOYING, null));
        target = v;
        deployStarted = now;
        return v;
    }

    void scale(int count) {
        app = app.patch(new AppSpec(null, count, null, null, null, null, null, null, null, null, null), now);
    }

    void restartPolicy(String policy) {
        app = app.patch(new AppSpec(null, null, null, null, null, null, null, policy, null, null, null), now);
    }

    void constraints(String... constraints) {
        app = app.patch(new AppSpec(null, null, null, null, null, null, null, null, null, null, List.of(constraints)),
                now);
    }

    ReleaseStatus status(int version) {
        return releases.get(version).status();
    }

    // ---- what the reconciler sees

    Desired desired() {
        return new Desired(app, target == null ? null : releases.get(target),
                active == null ? null : releases.get(active), rollout, deployStarted);
    }

    Observed observed() {
        return new Observed(List.copyOf(instances.values()), List.copyOf(hosts.values()), draining,
                new Routers(routers, routers == 0 ? 0 : acked), strays);
    }

    Plan plan() {
        return reconciler.plan(desired(), observed(), now);
    }

    /** Plans and carries the whole plan out. */
    Plan step() {
        Plan p = plan();
        applyAll(p);
        return p;
    }

    /**
     * Runs the reconciler, carries its plans out and lets the world settle, jumping to {@link Plan#nextCheck} when only
     * time can change anything, until nothing changes any more. Returns the last (empty) plan.
     */
    Plan converge() {
        for (int n = 0; n < 1000; n++) {
            Plan p = plan();
            if (!p.actions().isEmpty()) {
                applyAll(p);
                settle();
                continue;
            }
            if (settle()) {
                continue;
            }
            if (p.nextCheck() != null) {
                now = p.nextCheck();
                continue;
            }
            return p;
        }
        throw new AssertionError("the reconciler did not converge");
    }

    // ---- the simulated executor

    void applyAll(Plan p) {
        p.actions().forEach(this::apply);
    }

    void apply(Action a) {
        applied.add(a);
        if (a instanceof Action.StartInstance s) {
            start(s.release(), s.hostId());
        } else if (a instanceof Action.Replace r) {
            String id = start(r.release(), r.hostId());
            instances.put(r.instanceId(), get(r.instanceId()).asRetired(id));
        } else if (a instanceof Action.Restart r) {
            instances.put(r.instanceId(), get(r.instanceId()).restarted(now));
        } else if (a instanceof Action.RouteIn r) {
            publish(r.instanceIds(), true);
        } else if (a instanceof Action.RouteOut r) {
            publish(r.instanceIds(), false);
        } else if (a instanceof Action.Retire r) {
            instances.put(r.instanceId(), get(r.instanceId()).asRetired(null));
        } else if (a instanceof Action.Stop s) {
            ObservedInstance i = get(s.instanceId());
            assertNoRouterSees(i.id(), "stopped");
            if (i.routing().everRouted() && now.isBefore(i.routing().changedAt().plusMillis(app.drainTimeoutMs()))) {
                throw new AssertionError(i.id() + " stopped before its drain timeout elapsed");
            }
            if (!i.leaving()) {
                throw new AssertionError(i.id() + " stopped without being retired");
            }
            instances.put(i.id(), i.withStopRequested(now));
        } else if (a instanceof Action.Remove r) {
            ObservedInstance i = get(r.instanceId());
            assertNoRouterSees(i.id(), "removed");
            if (i.state() != InstanceState.STOPPED) {
                throw new AssertionError(i.id() + " removed while " + i.state());
            }
            instances.remove(i.id());
        } else if (a instanceof Action.RemoveOrphan o) {
            if (o.instanceId() != null) {
                assertNoRouterSees(o.instanceId(), "removed");
                instances.remove(o.instanceId());
            } else {
                strays.removeIf(s -> s.containerId().equals(o.containerId()));
            }
        } else if (a instanceof Action.Forget f) {
            instances.remove(f.instanceId());
        } else if (a instanceof Action.MarkActive m) {
            setStatus(m.release(), ReleaseStatus.ACTIVE);
            if (m.supersedes() != null) {
                setStatus(m.supersedes(), ReleaseStatus.SUPERSEDED);
            }
            active = m.release();
        } else if (a instanceof Action.MarkFailed m) {
            setStatus(m.release(), ReleaseStatus.FAILED);
        } else {
            throw new AssertionError("unknown action " + a);
        }
        if (watchServing) {
            lowWater = Math.min(lowWater, servingForEveryRouter());
        }
    }

    private String start(int release, String hostId) {
        if (!hosts.get(hostId).up() || !hosts.get(hostId).schedulable()) {
            throw new AssertionError("started an instance on " + hostId + ", which is down or cordoned");
        }
        String id = "v" + release + "-" + (++seq);
        instances.put(id, ObservedInstance.of(id, release, hostId, InstanceState.STARTING, now));
        return id;
    }

    private void publish(List<String> ids, boolean in) {
        epoch++;
        for (String id : ids) {
            ObservedInstance i = get(id);
            if (in && (i.leaving() || i.state() != InstanceState.HEALTHY)) {
                throw new AssertionError("routed in " + id + ", which is " + i.state() + (i.leaving() ? ", retired" : ""));
            }
            instances.put(id, i.withRouting(in ? Routing.in(epoch, now) : Routing.out(epoch, now)));
        }
        Set<String> table = new TreeSet<>();
        instances.values().stream().filter(i -> i.routing().routed()).forEach(i -> table.add(i.id()));
        tables.put(epoch, Set.copyOf(table));
    }

    /** Instances some router may still send traffic to: in any table from the lowest acknowledged one on. */
    Set<String> seenByRouters() {
        Set<String> seen = new TreeSet<>();
        tables.subMap(routers == 0 ? epoch : acked, true, epoch, true).values().forEach(seen::addAll);
        return seen;
    }

    private void assertNoRouterSees(String id, String what) {
        if (seenByRouters().contains(id)) {
            throw new AssertionError(id + " " + what + " while a router may still send it traffic (epoch " + epoch
                    + ", acknowledged " + acked + ")");
        }
    }

    /** Healthy, running instances in the table every router is certain to have (the oldest one not yet replaced). */
    int servingForEveryRouter() {
        Set<String> table = tables.get(routers == 0 ? epoch : acked);
        return (int) table.stream().map(instances::get).filter(i -> i != null && i.state() == InstanceState.HEALTHY
                && i.stopRequestedAt() == null && hosts.get(i.hostId()).up()).count();
    }

    private void setStatus(int version, ReleaseStatus status) {
        Release r = releases.get(version);
        releases.put(version, new Release(r.app(), r.version(), r.image(), r.digest(), r.envHash(), r.cause(),
                r.token(), r.time(), status, r.message()));
    }

    ObservedInstance get(String id) {
        ObservedInstance i = instances.get(id);
        if (i == null) {
            throw new AssertionError("no instance " + id);
        }
        return i;
    }

    // ---- the world changing

    /** What a healthy world does next: stops finish, starting instances become healthy, routers catch up. */
    boolean settle() {
        boolean changed = finishStops();
        for (ObservedInstance i : List.copyOf(instances.values())) {
            if (i.state() == InstanceState.STARTING && hosts.get(i.hostId()).up() && !broken.contains(i.release())
                    && i.stopRequestedAt() == null) {
                instances.put(i.id(), i.withState(InstanceState.HEALTHY, now));
                changed = true;
            }
        }
        return ack() || changed;
    }

    boolean finishStops() {
        boolean changed = false;
        for (ObservedInstance i : List.copyOf(instances.values())) {
            if (i.stopRequestedAt() != null && i.state() != InstanceState.STOPPED && hosts.get(i.hostId()).up()) {
                instances.put(i.id(), i.exited(0, now));
                changed = true;
            }
        }
        return changed;
    }

    /** Every router applies the latest table. */
    boolean ack() {
        if (routers > 0 && acked < epoch) {
            acked = epoch;
            return true;
        }
        return false;
    }

    void healthy(String id) {
        instances.put(id, get(id).withState(InstanceState.HEALTHY, now));
    }

    void unhealthy(String id) {
        instances.put(id, get(id).withState(InstanceState.UNHEALTHY, now));
    }

    void crash(String id, int exitCode) {
        instances.put(id, get(id).exited(exitCode, now));
    }

    void hostDown(String hostId) {
        hosts.put(hostId, hosts.get(hostId).withUp(false));
        for (ObservedInstance i : List.copyOf(instances.values())) {
            if (i.hostId().equals(hostId)) {
                instances.put(i.id(), i.withState(InstanceState.LOST, now));
            }
        }
    }

    /** The host returns; its containers kept running (killing dockerd does not kill them). */
    void hostUp(String hostId) {
        hosts.put(hostId, hosts.get(hostId).withUp(true));
        for (ObservedInstance i : List.copyOf(instances.values())) {
            if (i.hostId().equals(hostId) && i.state() == InstanceState.LOST) {
                instances.put(i.id(), i.withState(InstanceState.HEALTHY, now));
            }
        }
    }

    void cordon(String hostId) {
        hosts.put(hostId, hosts.get(hostId).withSchedulable(false));
    }

    void drain(String hostId) {
        cordon(hostId);
        draining.add(hostId);
    }

    void advance(Duration d) {
        now = now.plus(d);
    }

    // ---- reading the world

    List<ObservedInstance> of(int release) {
        return instances.values().stream().filter(i -> i.release() == release).toList();
    }

    List<String> ids(int release) {
        return of(release).stream().map(ObservedInstance::id).toList();
    }

    List<ObservedInstance> on(String hostId) {
        return instances.values().stream().filter(i -> i.hostId().equals(hostId)).toList();
    }

    List<String> routed() {
        return instances.values().stream().filter(i -> i.routing().routed()).map(ObservedInstance::id).toList();
    }

    /** Instances in a table every router applied, healthy: what "serving" means. */
    List<String> serving() {
        return instances.values().stream().filter(i -> i.routing().routed() && i.state() == InstanceState.HEALTHY
                && (routers == 0 || acked >= i.routing().epoch())).map(ObservedInstance::id).toList();
    }

    <A extends Action> List<A> appliedOf(Class<A> kind) {
        return applied.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
