package org.dockerera.controller.internal.reconcile;

import java.util.List;
import java.util.Objects;

/**
 * One step of a {@link Plan}, for an executor to carry out, with the reason it is needed (for the app's event log).
 * <p>
 * Executors record what they do in the instance records the next {@link Observed} is built from (the record's field
 * each action sets is named below), so that running the reconciler again after any action, or after a crash in the
 * middle of a plan, sees it done or not done, never half-known.
 */
public sealed interface Action {
    /** Why, in one sentence a user understands. */
    String reason();

    /**
     * Start a new instance of {@code release} on {@code hostId}: record it (STARTING, {@code created} = now), pull,
     * create with env and labels, start. Event {@code instance.started}.
     */
    record StartInstance(int release, String hostId, String reason) implements Action {
        public StartInstance {
            Objects.requireNonNull(hostId, "hostId");
        }
    }

    /**
     * {@code instanceId}'s host is down: mark it {@code retired} with {@code replacedBy} = the new instance, then start
     * that new instance of {@code release} on {@code hostId} as {@link StartInstance} does. Event
     * {@code instance.rescheduled}.
     */
    record Replace(String instanceId, int release, String hostId, String reason) implements Action {
        public Replace {
            Objects.requireNonNull(instanceId, "instanceId");
            Objects.requireNonNull(hostId, "hostId");
        }
    }

    /**
     * Start the exited instance again, in place (its back-off has elapsed; {@code attempt} = its restarts + 1): count
     * the restart, start its container (create it if it has none). Event {@code instance.started}.
     */
    record Restart(String instanceId, int attempt, String reason) implements Action {
    }

    /** Publish a route table (next epoch) that adds these healthy instances. Set their routing to {@code in(epoch)}. */
    record RouteIn(List<String> instanceIds, String reason) implements Action {
        public RouteIn {
            instanceIds = List.copyOf(instanceIds);
        }
    }

    /**
     * Publish a route table (next epoch) without these instances. Set their routing to {@code out(epoch, now)}: their
     * drain timeout starts now. Event {@code instance.draining} for retired ones.
     */
    record RouteOut(List<String> instanceIds, String reason) implements Action {
        public RouteOut {
            instanceIds = List.copyOf(instanceIds);
        }
    }

    /**
     * Mark the instance {@code retired}: from now on it is only drained, stopped and removed. Comes before the
     * {@link RouteOut} or {@link Stop} that follows it in the same plan.
     */
    record Retire(String instanceId, String reason) implements Action {
    }

    /**
     * SIGTERM, then SIGKILL after the app's stop timeout. Record {@code stopRequestedAt} = now first. Only planned once
     * the instance is out of routing, its drain timeout has elapsed and every router acknowledged the table that
     * removed it. Event {@code instance.stopped} when it has exited.
     */
    record Stop(String instanceId, String reason) implements Action {
    }

    /** Remove the stopped container and forget the instance's record. */
    record Remove(String instanceId, String reason) implements Action {
    }

    /**
     * Force-remove a container of the app left on a host that came back: the container of an instance replaced while
     * its host was down ({@code instanceId} set: forget that record too), or a {@link StrayContainer}
     * ({@code instanceId} null). Nothing routes to it.
     */
    record RemoveOrphan(String instanceId, String hostId, String containerId, String reason) implements Action {
        public RemoveOrphan {
            Objects.requireNonNull(hostId, "hostId");
            Objects.requireNonNull(containerId, "containerId");
        }
    }

    /** Forget a retired instance's record: its host is no longer known, there is nothing to stop or remove. */
    record Forget(String instanceId, String reason) implements Action {
    }

    /**
     * Every wanted instance of {@code release} is healthy and in a route table every router acknowledged: it is
     * {@code active}, {@code supersedes} (the previously active release, may be null) is {@code superseded}. Events
     * {@code release.active}, {@code deploy.succeeded}.
     */
    record MarkActive(int release, Integer supersedes, String reason) implements Action {
    }

    /**
     * {@code release} did not come up: mark it {@code failed} with {@code reason}. The same plan already retires its
     * instances (the previously active release keeps serving). {@code failedInstanceIds} are the instances whose last
     * log lines belong in the {@code release.failed} / {@code deploy.failed} events.
     */
    record MarkFailed(int release, List<String> failedInstanceIds, String reason) implements Action {
        public MarkFailed {
            failedInstanceIds = List.copyOf(failedInstanceIds);
        }
    }
}
