package org.dockerera.controller.internal.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.dockerera.api.App;
import org.dockerera.api.DockereraException;
import org.dockerera.api.HealthCheck;
import org.dockerera.api.InstanceState;
import org.dockerera.api.ProcessType;
import org.dockerera.api.Release;
import org.dockerera.api.ReleaseStatus;
import org.dockerera.api.Resources;
import org.dockerera.spi.scheduler.Constraint;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementPlan;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.dockerera.spi.scheduler.Rejections;
import org.dockerera.spi.scheduler.Scheduler;

/**
 * The pure core of deploys: {@code plan(desired, observed, now)} answers what to do next for one app. No I/O, no
 * clock, no randomness (placement is the given {@link Scheduler}'s, pure too): the same inputs give the same plan, so
 * running it again after a crash, on whatever the executors managed to record, resumes the rollout or rolls it back.
 *
 * <h2>How instances are sorted</h2>
 * The release to run (the <em>goal</em>) is the target, or, when the target failed, the active release. Every
 * instance is then one of:
 * <ul>
 *   <li><b>leaving</b>: retired earlier (or reported draining): drained, stopped, removed, nothing else;</li>
 *   <li><b>lost</b>: its host is down: routed out; replaced elsewhere when it is of the goal and a host can take it;</li>
 *   <li><b>kept</b>: of the goal, on a host that is not being drained: routed in when healthy, out when not;
 *       restarted with back-off when it exited and its restart policy says so; the surplus is retired (scale down);</li>
 *   <li><b>outdated</b>: of another release, or on a draining host: retired as soon as it does not serve, and, when
 *       it serves, only while enough kept instances serve (healthy, in a route table every router acknowledged) to
 *       keep the wanted count in service. That is the whole zero-downtime rule.</li>
 * </ul>
 * Missing kept instances are placed by the scheduler: all at once when nothing outdated still serves (first deploy,
 * scale up), else at most {@link Rollout#batchSize()} on the way at a time and {@link Rollout#maxSurge()} above the
 * wanted count. Retired instances leave routing first, are stopped once their drain timeout has elapsed and every
 * router acknowledged the table that removed them, and are removed once stopped.
 *
 * <h2>Releases</h2>
 * The target becomes active when all its wanted instances serve. It fails when one of its instances is not healthy
 * within the health start timeout of its creation, exits for good (restart policy), or when its instances cannot all
 * be placed by the deploy's start plus that timeout; the plan then marks it failed and runs the active release
 * instead, which retires the target's instances and leaves the active ones untouched.
 */
public final class Reconciler {
    /** How long past its stop timeout a stop may take before it is sent again. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Scheduler scheduler;

    /** When this controller began observing: start deadlines never run out during its own downtime. */
    private Instant observingSince = Instant.MIN;

    /**
     * Instances that started while no controller was watching (it was down, or restarting) get their full start
     * timeout from the moment this controller began observing, not from their creation: a controller's own restart
     * must not fail a deploy whose instances came up meanwhile.
     */
    public Reconciler observingSince(Instant since) {
        this.observingSince = since;
        return this;
    }

    public Reconciler(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** What to do now for {@code desired.app()}, given what is observed at {@code now}. */
    public Plan plan(Desired desired, Observed observed, Instant now) {
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(observed, "observed");
        Objects.requireNonNull(now, "now");
        Release target = desired.target();
        Release active = desired.active();
        Integer activeVersion = active == null ? null : active.version();
        if (desired.rollingOut()) {
            Pass rolling = new Pass(desired, observed, now, target.version(), true);
            Failure failure = rolling.run();
            if (failure == null) {
                return rolling.plan(null);
            }
            Pass fallback = new Pass(desired, observed, now, activeVersion, false);
            fallback.run();
            return fallback.plan(new Action.MarkFailed(target.version(), failure.instanceIds(), failure.reason()));
        }
        Integer goal = target != null && target.status() != ReleaseStatus.FAILED ? Integer.valueOf(target.version())
                : activeVersion;
        Pass steady = new Pass(desired, observed, now, goal, false);
        steady.run();
        return steady.plan(null);
    }

    private record Failure(List<String> instanceIds, String reason) {
    }

    /** One computation of a plan for one goal release. */
    private final class Pass {
        private final Desired desired;
        private final Observed observed;
        private final Instant now;
        private final Integer goal;
        private final boolean rolling;
        private final App app;
        private final boolean web;
        private final int wanted;
        private final Rollout knobs;
        private final Routers routers;
        private final String policy;
        private final Duration startTimeout;
        private final Duration drainTimeout;
        private final Duration stopTimeout;
        private final Map<String, HostSnapshot> hosts = new HashMap<>();

        // instances by role, each list in id order
        private List<ObservedInstance> kept = new ArrayList<>();
        private final List<ObservedInstance> outdated = new ArrayList<>();
        private List<ObservedInstance> lostGoal = new ArrayList<>();
        private final List<ObservedInstance> lostOther = new ArrayList<>();
        private List<ObservedInstance> outdatedKept = List.of();
        /** Retired before or by this plan, by id: drained, stopped, removed. */
        private final TreeMap<String, ObservedInstance> leaving = new TreeMap<>();

        // the plan being written
        private Action.MarkActive markActive;
        private final TreeMap<String, String> retire = new TreeMap<>();
        private final TreeMap<String, String> routeOut = new TreeMap<>();
        private final TreeMap<String, String> routeIn = new TreeMap<>();
        private final List<Action> stops = new ArrayList<>();
        private final List<Action> removals = new ArrayList<>();
        private final List<Action> restarts = new ArrayList<>();
        private final List<Action> starts = new ArrayList<>();
        private final List<Wait> waits = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private PlacementPlan placement;

        Pass(Desired desired, Observed observed, Instant now, Integer goal, boolean rolling) {
            this.desired = desired;
            this.observed = observed;
            this.now = now;
            this.goal = goal;
            this.rolling = rolling;
            this.app = desired.app();
            this.web = app.type() != ProcessType.WORKER;
            this.wanted = goal == null ? 0 : app.instances();
            this.knobs = desired.rollout();
            this.routers = observed.routers();
            this.policy = app.restartPolicy() == null ? App.DEFAULT_RESTART_POLICY : app.restartPolicy();
            HealthCheck health = (app.health() == null ? HealthCheck.DEFAULT : app.health()).withDefaults();
            this.startTimeout = Duration.ofMillis(health.startTimeoutMs());
            this.drainTimeout = Duration.ofMillis(app.drainTimeoutMs());
            this.stopTimeout = Duration.ofMillis(app.stopTimeoutMs());
            for (HostSnapshot h : observed.hosts()) {
                hosts.put(h.id(), h);
            }
        }

        /** Computes the plan; answers why the target failed instead when rolling out and it did. */
        Failure run() {
            classify();
            if (rolling) {
                Failure f = startFailure();
                if (f != null) {
                    return f;
                }
            }
            retireSurplusKept();
            int missing = wanted - kept.size();
            lostGoal = retireSurplusLost(missing);
            retireOutdated();
            routeByHealth();
            if (rolling && missing == 0 && kept.stream().allMatch(this::serving)) {
                markActive = new Action.MarkActive(goal, desired.active() == null ? null : desired.active().version(),
                        wanted == 0 ? "release " + goal + " wants no instances"
                                : "all " + wanted + " instance(s) of release " + goal
                                + " are healthy and in a route table every router acknowledged");
            }
            restartOrWait();
            Failure f = startMissing(missing);
            if (f != null) {
                return f;
            }
            drainLeaving();
            removeStrays();
            return null;
        }

        Plan plan(Action.MarkFailed failed) {
            List<Action> actions = new ArrayList<>();
            if (failed != null) {
                actions.add(failed);
            }
            if (markActive != null) {
                actions.add(markActive);
            }
            retire.forEach((id, why) -> actions.add(new Action.Retire(id, why)));
            if (!routeOut.isEmpty()) {
                actions.add(new Action.RouteOut(List.copyOf(routeOut.keySet()), String.join("; ", routeOut.values())));
            }
            if (!routeIn.isEmpty()) {
                actions.add(new Action.RouteIn(List.copyOf(routeIn.keySet()), String.join("; ", routeIn.values())));
            }
            actions.addAll(stops);
            actions.addAll(removals);
            actions.addAll(restarts);
            actions.addAll(starts);
            Instant next = waits.stream().map(Wait::until).filter(Objects::nonNull).min(Comparator.naturalOrder())
                    .orElse(null);
            int serving = (int) kept.stream().filter(this::serving).count();
            Progress progress = new Progress(goal, wanted, serving, kept.size() - serving, outdatedKept.size(),
                    leaving.size());
            return new Plan(actions, waits, notes, placement, progress, next);
        }

        // ---- sorting instances

        private void classify() {
            for (ObservedInstance i : observed.instances()) {
                if (i.leaving()) {
                    leaving.put(i.id(), i);
                } else if (lost(i)) {
                    (ofGoal(i) ? lostGoal : lostOther).add(i);
                } else if (ofGoal(i) && !observed.drainingHosts().contains(i.hostId())) {
                    kept.add(i);
                } else {
                    outdated.add(i);
                }
            }
        }

        private Failure startFailure() {
            List<String> ids = new ArrayList<>();
            String first = null;
            for (ObservedInstance k : kept) {
                String why = null;
                if (k.state() == InstanceState.STOPPED && !restartable(k)) {
                    why = k.id() + " exited" + exitCode(k) + " and restart policy '" + policy + "' does not restart it";
                } else if (k.state() != InstanceState.HEALTHY && !now.isBefore(deadline(k))) {
                    why = k.id() + " on " + k.hostId() + " was not healthy within " + human(startTimeout)
                            + " of its start (" + k.state() + " since " + k.since() + ")";
                }
                if (why != null) {
                    ids.add(k.id());
                    first = first == null ? why : first;
                }
            }
            return ids.isEmpty() ? null : new Failure(ids, "release " + goal + " failed: " + first
                    + (ids.size() > 1 ? " (and " + (ids.size() - 1) + " more)" : ""));
        }

        /** Scale down: the kept instances beyond the wanted count leave, the least useful first. */
        private void retireSurplusKept() {
            int surplus = kept.size() - wanted;
            if (surplus <= 0) {
                return;
            }
            Map<String, Long> perHost = new HashMap<>();
            kept.forEach(k -> perHost.merge(k.hostId(), 1L, Long::sum));
            List<ObservedInstance> order = new ArrayList<>(kept);
            order.sort(Comparator.comparingInt(this::usefulness)
                    .thenComparingInt(k -> hosts.get(k.hostId()).schedulable() ? 1 : 0)
                    .thenComparingLong(k -> -perHost.get(k.hostId()))
                    .thenComparing(ObservedInstance::created, Comparator.reverseOrder())
                    .thenComparing(ObservedInstance::id, Comparator.reverseOrder()));
            List<ObservedInstance> surplusOnes = order.subList(0, surplus);
            for (ObservedInstance k : surplusOnes) {
                retire(k, "scale down to " + wanted + " instance(s) of release " + goal);
            }
            kept = kept.stream().filter(k -> !retire.containsKey(k.id())).toList();
        }

        /** Lost instances of the goal beyond what is missing are not replaced: they leave. The rest is returned. */
        private List<ObservedInstance> retireSurplusLost(int missing) {
            int keep = Math.max(0, missing);
            for (ObservedInstance l : lostGoal.subList(Math.min(keep, lostGoal.size()), lostGoal.size())) {
                retire(l, "its host " + l.hostId() + " is down and " + kept.size() + " of " + wanted
                        + " wanted instance(s) run elsewhere");
            }
            return List.copyOf(lostGoal.subList(0, Math.min(keep, lostGoal.size())));
        }

        /** The zero-downtime rule: outdated instances leave once enough kept ones serve in their place. */
        private void retireOutdated() {
            long serving = kept.stream().filter(this::serving).count();
            List<ObservedInstance> available = new ArrayList<>();
            for (ObservedInstance o : outdated) {
                if (available(o)) {
                    available.add(o);
                } else {
                    retire(o, why(o) + "; " + o.id() + " is " + o.state()
                            + (o.routing().routed() ? "" : " and not routed"));
                }
            }
            Integer active = desired.active() == null ? null : desired.active().version();
            available.sort(Comparator.<ObservedInstance>comparingInt(o -> Objects.equals(o.release(), goal) ? 2
                            : Objects.equals(o.release(), active) ? 1 : 0)
                    .thenComparingInt(ObservedInstance::release)
                    .thenComparing(ObservedInstance::created)
                    .thenComparing(ObservedInstance::id));
            int keep = (int) Math.min(available.size(), Math.max(0, wanted - serving));
            for (ObservedInstance o : available.subList(0, available.size() - keep)) {
                retire(o, why(o) + ": " + serving + " of " + wanted + " instance(s) of release " + goal + " serve");
            }
            outdatedKept = List.copyOf(available.subList(available.size() - keep, available.size()));
            for (ObservedInstance l : lostOther) {
                retire(l, "its host " + l.hostId() + " is down and " + why(l));
            }
        }

        private String why(ObservedInstance o) {
            if (ofGoal(o)) {
                return "its host " + o.hostId() + " is being drained";
            }
            Release target = desired.target();
            if (target != null && o.release() == target.version()) {
                return "release " + o.release() + " failed; " + (goal == null ? "no earlier release to run"
                        : "release " + goal + " keeps serving");
            }
            return goal == null ? "release " + o.release() + " is not wanted (no release to run)"
                    : "release " + o.release() + " is replaced by release " + goal;
        }

        /** Routing follows health: healthy kept instances in, any instance that cannot serve out. */
        private void routeByHealth() {
            List<ObservedInstance> staying = new ArrayList<>(kept);
            staying.addAll(outdatedKept);
            staying.addAll(lostGoal);
            for (ObservedInstance i : staying) {
                if (i.routing().routed() && (!web || i.state() != InstanceState.HEALTHY || !hostUp(i))) {
                    routeOut.put(i.id(), i.id() + " " + (!web ? "is a worker (not routed)"
                            : !hostUp(i) ? "is on host " + i.hostId() + ", which is down" : "is " + i.state()));
                }
            }
            if (web) {
                for (ObservedInstance k : kept) {
                    if (k.state() == InstanceState.HEALTHY && !k.routing().routed()) {
                        routeIn.put(k.id(), k.id() + " (release " + k.release() + ") is healthy");
                    }
                }
            }
        }

        private void restartOrWait() {
            for (ObservedInstance k : kept) {
                switch (k.state()) {
                    case STOPPED -> {
                        if (!restartable(k)) {
                            notes.add(k.id() + " exited" + exitCode(k) + "; restart policy '" + policy
                                    + "' leaves it stopped (restart the app to replace it)");
                            continue;
                        }
                        Duration backoff = knobs.backoff(k.restarts());
                        Instant at = (k.lastExitAt() != null ? k.lastExitAt() : k.since()).plus(backoff);
                        int attempt = k.restarts() + 1;
                        if (!now.isBefore(at)) {
                            restarts.add(new Action.Restart(k.id(), attempt, k.id() + " exited" + exitCode(k)
                                    + "; restart " + attempt + " after a back-off of " + human(backoff)));
                        } else {
                            Instant until = rolling && deadline(k).isBefore(at) ? deadline(k) : at;
                            waits.add(new Wait(k.id(), "exited" + exitCode(k) + "; restart " + attempt + " at " + at
                                    + " (back-off " + human(backoff) + ")", until));
                        }
                    }
                    case STARTING -> waits.add(new Wait(k.id(), "starting on " + k.hostId() + ", not healthy yet"
                            + (rolling ? "; release " + goal + " fails if it is not healthy by then" : ""),
                            rolling ? deadline(k) : null));
                    case UNHEALTHY -> waits.add(new Wait(k.id(), "unhealthy since " + k.since()
                            + (rolling ? "; release " + goal + " fails if it is not healthy by then" : ""),
                            rolling ? deadline(k) : null));
                    case HEALTHY -> {
                        if (web && k.routing().routed() && !routers.acknowledged(k.routing().epoch())) {
                            waits.add(new Wait(k.id(), "waiting for every router to apply route table epoch "
                                    + k.routing().epoch() + " (" + routers.describe() + ")", null));
                        }
                    }
                    default -> {
                        // DRAINING and LOST instances are never kept
                    }
                }
            }
        }

        /** Places and starts missing instances of the goal, replacing lost ones first. */
        private Failure startMissing(int missing) {
            if (missing <= 0 || goal == null) {
                return null;
            }
            int count = missing;
            if (!outdatedKept.isEmpty()) {
                int live = (int) kept.stream().filter(k -> k.state() != InstanceState.STOPPED).count()
                        + outdatedKept.size();
                int onTheWay = (int) kept.stream()
                        .filter(k -> !serving(k) && !(k.state() == InstanceState.STOPPED && !restartable(k))).count();
                int room = Math.max(0, Math.min(wanted + knobs.maxSurge() - live, knobs.batchSize() - onTheWay));
                if (room < missing) {
                    count = room;
                    waits.add(new Wait(app.name(), (missing - room) + " more instance(s) of release " + goal
                            + " start once earlier ones serve (batch size " + knobs.batchSize() + ", max surge "
                            + knobs.maxSurge() + ")", null));
                }
            }
            if (count == 0) {
                return null;
            }
            placement = place(count);
            List<String> assigned = placement.assignments();
            for (int n = 0; n < assigned.size() && n < count; n++) {
                String host = assigned.get(n);
                if (n < lostGoal.size()) {
                    ObservedInstance lost = lostGoal.get(n);
                    starts.add(new Action.Replace(lost.id(), goal, host, lost.id() + " is on host " + lost.hostId()
                            + ", which is down: release " + goal + " again on " + host));
                    leaving.put(lost.id(), lost.asRetired("(replacement)"));
                } else {
                    starts.add(new Action.StartInstance(goal, host, startReason(kept.size() + n + 1)));
                }
            }
            notes.addAll(placement.notes());
            if (!placement.complete()) {
                String why = "cannot place " + (count - Math.min(count, assigned.size())) + " of " + count
                        + " new instance(s) of release " + goal + ": " + placement.failure();
                if (rolling) {
                    Instant deadline = placementDeadline();
                    if (!now.isBefore(deadline)) {
                        return new Failure(List.of(), "release " + goal + " failed: " + why);
                    }
                    waits.add(new Wait(app.name(), why + "; release " + goal + " fails if still so by then", deadline));
                } else {
                    waits.add(new Wait(app.name(), why, null));
                }
            }
            return null;
        }

        private String startReason(int nth) {
            if (rolling && desired.active() == null) {
                return "deploy release " + goal + ": instance " + nth + " of " + wanted;
            }
            if (rolling) {
                return "roll out release " + goal + " in place of release " + desired.active().version() + ": instance "
                        + nth + " of " + wanted;
            }
            if (outdatedKept.stream().anyMatch(this::ofGoal)) {
                return "move off draining host(s): instance " + nth + " of " + wanted + " of release " + goal;
            }
            return "keep " + wanted + " instance(s) of release " + goal + " running: instance " + nth;
        }

        private PlacementPlan place(int count) {
            Resources r = app.resources() == null ? Resources.NONE : app.resources();
            PlacementRequest request;
            try {
                request = new PlacementRequest(app.name(), count, r.cpuRequest() == null ? 0 : r.cpuRequest(),
                        r.memoryRequest() == null ? 0 : r.memoryRequest(), Constraint.parseAll(app.constraints()), 0);
            } catch (DockereraException e) {
                return new PlacementPlan(app.name(), scheduler.strategy(), count, List.of(), Rejections.none(), 0,
                        List.of(), false, e.getMessage());
            }
            Map<String, Integer> goalPerHost = new HashMap<>();
            for (ObservedInstance i : kept) {
                goalPerHost.merge(i.hostId(), 1, Integer::sum);
            }
            for (ObservedInstance i : outdatedKept) {
                if (ofGoal(i)) {
                    goalPerHost.merge(i.hostId(), 1, Integer::sum);
                }
            }
            List<HostSnapshot> snapshots = new ArrayList<>();
            for (HostSnapshot h : observed.hosts()) {
                HostSnapshot s = h.withAppInstances(goalPerHost.getOrDefault(h.id(), 0));
                snapshots.add(observed.drainingHosts().contains(h.id()) ? s.withSchedulable(false) : s);
            }
            return scheduler.place(request, snapshots);
        }

        /** Retired instances: out of routing, drain, stop, remove. */
        private void drainLeaving() {
            for (ObservedInstance i : leaving.values()) {
                HostSnapshot h = hosts.get(i.hostId());
                if (h == null) {
                    removals.add(new Action.Forget(i.id(), i.id() + " is on host " + i.hostId()
                            + ", which is no longer known: nothing to stop"));
                    continue;
                }
                boolean down = !h.up() || i.state() == InstanceState.LOST;
                if (i.routing().routed()) {
                    routeOut.putIfAbsent(i.id(), i.id() + " leaves" + (retire.containsKey(i.id()) ? ": "
                            + retire.get(i.id()) : ""));
                    continue;
                }
                if (down) {
                    waits.add(new Wait(i.id(), "on host " + i.hostId() + ", which is down; removed when it comes back",
                            null));
                    continue;
                }
                boolean acked = !i.routing().everRouted() || routers.acknowledged(i.routing().epoch());
                if (!acked) {
                    waits.add(new Wait(i.id(), "out of routing since epoch " + i.routing().epoch()
                            + "; waiting for every router to apply it (" + routers.describe() + ")", null));
                    continue;
                }
                if (i.replacedBy() != null) {
                    removals.add(i.containerId() == null
                            ? new Action.Forget(i.id(), i.id() + " was replaced while host " + i.hostId()
                            + " was down and has no container")
                            : new Action.RemoveOrphan(i.id(), i.hostId(), i.containerId(), i.id() + " was replaced by "
                            + i.replacedBy() + " while host " + i.hostId() + " was down; the host is back"));
                    continue;
                }
                if (i.state() == InstanceState.STOPPED) {
                    removals.add(new Action.Remove(i.id(), i.id() + " has stopped"));
                    continue;
                }
                if (i.routing().everRouted()) {
                    Instant from = i.routing().changedAt() != null ? i.routing().changedAt() : i.since();
                    Instant drained = from.plus(drainTimeout);
                    if (now.isBefore(drained)) {
                        waits.add(new Wait(i.id(), "draining: out of routing since " + from + ", stopped after the "
                                + human(drainTimeout) + " drain timeout", drained));
                        continue;
                    }
                }
                if (i.stopRequestedAt() == null) {
                    stops.add(new Action.Stop(i.id(), i.routing().everRouted()
                            ? i.id() + " is drained: out of routing for " + human(drainTimeout)
                            + " and every router applied the table without it"
                            : i.id() + " leaves and was never routed"));
                } else {
                    Instant retry = i.stopRequestedAt().plus(stopTimeout).plus(STOP_GRACE);
                    if (now.isBefore(retry)) {
                        waits.add(new Wait(i.id(), "stopping since " + i.stopRequestedAt(), retry));
                    } else {
                        stops.add(new Action.Stop(i.id(), "the stop sent to " + i.id() + " at " + i.stopRequestedAt()
                                + " has not finished after the " + human(stopTimeout) + " stop timeout: stop again"));
                    }
                }
            }
        }

        private void removeStrays() {
            for (StrayContainer s : observed.strays()) {
                HostSnapshot h = hosts.get(s.hostId());
                if (h != null && h.up()) {
                    removals.add(new Action.RemoveOrphan(null, s.hostId(), s.containerId(), "container "
                            + (s.name() != null ? s.name() : s.containerId()) + " on " + s.hostId() + " belongs to "
                            + app.name() + " but no instance is recorded for it"));
                }
            }
        }

        // ---- helpers

        private void retire(ObservedInstance i, String why) {
            retire.put(i.id(), why);
            leaving.put(i.id(), i.asRetired(null));
        }

        private boolean ofGoal(ObservedInstance i) {
            return goal != null && i.release() == goal;
        }

        private boolean hostUp(ObservedInstance i) {
            HostSnapshot h = hosts.get(i.hostId());
            return h != null && h.up();
        }

        private boolean lost(ObservedInstance i) {
            return i.state() == InstanceState.LOST || !hostUp(i);
        }

        /** Healthy and (web) in the published route table: traffic may reach it. */
        private boolean available(ObservedInstance i) {
            return i.state() == InstanceState.HEALTHY && hostUp(i) && (!web || i.routing().routed());
        }

        /** Available, and (web) every router applied the table that added it: it counts as serving. */
        private boolean serving(ObservedInstance i) {
            return available(i) && (!web || routers.acknowledged(i.routing().epoch()));
        }

        /** For scale down, the instance to let go first has the lowest usefulness. */
        private int usefulness(ObservedInstance k) {
            return switch (k.state()) {
                case STOPPED -> 0;
                case STARTING -> 1;
                case UNHEALTHY -> 2;
                default -> serving(k) ? 4 : 3;
            };
        }

        private boolean restartable(ObservedInstance k) {
            return switch (policy) {
                case "always", "unless-stopped" -> true;
                case "no" -> false;
                default -> k.lastExitCode() == null || k.lastExitCode() != 0;
            };
        }

        private Instant deadline(ObservedInstance k) {
            Instant from = k.created().isAfter(observingSince) ? k.created() : observingSince;
            return from.plus(startTimeout);
        }

        private Instant placementDeadline() {
            Instant from = desired.deployStarted() != null ? desired.deployStarted()
                    : desired.target().time() != null ? desired.target().time() : now;
            return from.plus(startTimeout);
        }

        private static String exitCode(ObservedInstance k) {
            return k.lastExitCode() == null ? "" : " with code " + k.lastExitCode();
        }
    }

    /** {@code 60s}, {@code 1.5s}, {@code 250ms}, {@code 5m}. */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms >= 120_000 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms / 1000.0 + "s";
    }
}
