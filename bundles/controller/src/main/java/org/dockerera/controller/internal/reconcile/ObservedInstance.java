package org.dockerera.controller.internal.reconcile;

import java.time.Instant;
import java.util.Objects;
import org.dockerera.api.InstanceState;

/**
 * One instance of the app as the controller sees it: its record (what the executors wrote) merged with what its
 * host and the health checks report.
 *
 * @param id              dockerera's instance id
 * @param release         the release version it runs
 * @param hostId          the host it was placed on
 * @param containerId     the engine's container id; null while it is being created
 * @param state           observed state; {@link InstanceState#LOST} (or its host being down) means unknown.
 *                        {@link InstanceState#DRAINING} counts as {@code retired}. An interrupted start (a record
 *                        whose container never came to be) should be reported {@link InstanceState#STOPPED}.
 * @param since           when it entered {@code state}
 * @param created         when it was first started (its health start timeout counts from here, across restarts);
 *                        null: {@code since}
 * @param routing         its place in the route table
 * @param retired         the controller decided it goes away: it is never routed in, restarted or counted again,
 *                        only drained, stopped and removed (set by {@link Action.Retire} and {@link Action.Replace})
 * @param replacedBy      the instance started in its place because its host was down (set by {@link Action.Replace});
 *                        when the host returns, its container is an orphan and is removed without a drain
 * @param stopRequestedAt when a {@link Action.Stop} was sent, null if never
 * @param restarts        how many times it was restarted after exiting
 * @param lastExitCode    exit code of its last exit, null if unknown or never exited
 * @param lastExitAt      when it last exited, null: {@code since}
 */
public record ObservedInstance(String id, int release, String hostId, String containerId, InstanceState state,
                               Instant since, Instant created, Routing routing, boolean retired, String replacedBy,
                               Instant stopRequestedAt, int restarts, Integer lastExitCode, Instant lastExitAt) {
    public ObservedInstance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        created = created == null ? since : created;
        routing = routing == null ? Routing.NONE : routing;
        if (restarts < 0) {
            throw new IllegalArgumentException("instance " + id + ": restarts must be 0 or more");
        }
    }

    /** A fresh, never routed instance in {@code state} since {@code since} (also its creation time). */
    public static ObservedInstance of(String id, int release, String hostId, InstanceState state, Instant since) {
        return new ObservedInstance(id, release, hostId, "c-" + id, state, since, since, Routing.NONE, false, null,
                null, 0, null, null);
    }

    /** This instance in another state since {@code at}. */
    public ObservedInstance withState(InstanceState newState, Instant at) {
        return new ObservedInstance(id, release, hostId, containerId, newState, at, created, routing, retired,
                replacedBy, stopRequestedAt, restarts, lastExitCode, lastExitAt);
    }

    /** This instance with another route table position. */
    public ObservedInstance withRouting(Routing newRouting) {
        return new ObservedInstance(id, release, hostId, containerId, state, since, created, newRouting, retired,
                replacedBy, stopRequestedAt, restarts, lastExitCode, lastExitAt);
    }

    /** This instance marked retired (and, when {@code replacement} is not null, replaced by it). */
    public ObservedInstance asRetired(String replacement) {
        return new ObservedInstance(id, release, hostId, containerId, state, since, created, routing, true,
                replacement, stopRequestedAt, restarts, lastExitCode, lastExitAt);
    }

    /** This instance with a stop sent at {@code at}. */
    public ObservedInstance withStopRequested(Instant at) {
        return new ObservedInstance(id, release, hostId, containerId, state, since, created, routing, retired,
                replacedBy, at, restarts, lastExitCode, lastExitAt);
    }

    /** This instance exited with {@code code} at {@code at}: {@link InstanceState#STOPPED}. */
    public ObservedInstance exited(Integer code, Instant at) {
        return new ObservedInstance(id, release, hostId, containerId, InstanceState.STOPPED, at, created, routing,
                retired, replacedBy, stopRequestedAt, restarts, code, at);
    }

    /** This instance restarted at {@code at}: starting again, one more restart counted. */
    public ObservedInstance restarted(Instant at) {
        return new ObservedInstance(id, release, hostId, containerId, InstanceState.STARTING, at, created, routing,
                retired, replacedBy, stopRequestedAt, restarts + 1, lastExitCode, lastExitAt);
    }

    /** This instance with this restart count. */
    public ObservedInstance withRestarts(int count) {
        return new ObservedInstance(id, release, hostId, containerId, state, since, created, routing, retired,
                replacedBy, stopRequestedAt, count, lastExitCode, lastExitAt);
    }

    /** Whether the controller is taking it away ({@code retired}, or reported draining). */
    public boolean leaving() {
        return retired || state == InstanceState.DRAINING;
    }
}
