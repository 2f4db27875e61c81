package org.dockerera.controller.internal.apps;

import java.time.Instant;
import org.dockerera.api.Instance;
import org.dockerera.api.InstanceState;
import org.dockerera.controller.internal.reconcile.ObservedInstance;
import org.dockerera.controller.internal.reconcile.Routing;

/**
 * An instance as stored under {@code instances/<app>/<id>}: written by the executors before and after each step, so
 * that after a crash the reconciler sees every step either done or not done. Fields as in {@link ObservedInstance};
 * {@code address} is the published {@code ip:port}, {@code cpus}/{@code memoryBytes} what placement reserved,
 * {@code message} the last failure.
 */
record InstanceRecord(String id, String app, int release, String hostId, String containerId, String address,
                      InstanceState state, Instant since, Instant created, boolean routed, long routeEpoch,
                      Instant routeChangedAt, boolean retired, String replacedBy, Instant stopRequestedAt, int restarts,
                      Integer lastExitCode, Instant lastExitAt, double cpus, long memoryBytes, String message) {

    static InstanceRecord starting(String id, String app, int release, String hostId, Instant now, double cpus,
                                   long memoryBytes) {
        return new InstanceRecord(id, app, release, hostId, null, null, InstanceState.STARTING, now, now, false, 0,
                null, false, null, null, 0, null, null, cpus, memoryBytes, null);
    }

    ObservedInstance observed(InstanceState observedState, Instant observedSince) {
        return new ObservedInstance(id, release, hostId, containerId, observedState, observedSince, created,
                routing(), retired, replacedBy, stopRequestedAt, restarts, lastExitCode, lastExitAt);
    }

    Routing routing() {
        return routeEpoch == 0 ? Routing.NONE : new Routing(routed, routeEpoch, routeChangedAt);
    }

    Instance view() {
        return new Instance(id, app, release, hostId, containerId, address, state, since);
    }

    InstanceRecord withContainer(String container, String addr) {
        return new InstanceRecord(id, app, release, hostId, container, addr, state, since, created, routed, routeEpoch,
                routeChangedAt, retired, replacedBy, stopRequestedAt, restarts, lastExitCode, lastExitAt, cpus,
                memoryBytes, message);
    }

    InstanceRecord withState(InstanceState s, Instant at, Integer exitCode, String why) {
        boolean exited = s == InstanceState.STOPPED && state != InstanceState.STOPPED;
        return new InstanceRecord(id, app, release, hostId, containerId, address, s, at, created, routed, routeEpoch,
                routeChangedAt, retired, replacedBy, stopRequestedAt, restarts,
                exited ? exitCode : lastExitCode, exited ? at : lastExitAt, cpus, memoryBytes,
                why != null ? why : message);
    }

    InstanceRecord withRouting(boolean in, long epoch, Instant at) {
        return new InstanceRecord(id, app, release, hostId, containerId, address, state, since, created, in, epoch, at,
                retired, replacedBy, stopRequestedAt, restarts, lastExitCode, lastExitAt, cpus, memoryBytes, message);
    }

    InstanceRecord retired(String replacement) {
        return new InstanceRecord(id, app, release, hostId, containerId, address, state, since, created, routed,
                routeEpoch, routeChangedAt, true, replacement != null ? replacement : replacedBy, stopRequestedAt,
                restarts, lastExitCode, lastExitAt, cpus, memoryBytes, message);
    }

    InstanceRecord stopRequested(Instant at) {
        return new InstanceRecord(id, app, release, hostId, containerId, address, state, since, created, routed,
                routeEpoch, routeChangedAt, retired, replacedBy, at, restarts, lastExitCode, lastExitAt, cpus,
                memoryBytes, message);
    }

    InstanceRecord restarted(Instant at) {
        return new InstanceRecord(id, app, release, hostId, containerId, address, InstanceState.STARTING, at, created,
                routed, routeEpoch, routeChangedAt, retired, replacedBy, null, restarts + 1, lastExitCode, lastExitAt,
                cpus, memoryBytes, message);
    }
}
