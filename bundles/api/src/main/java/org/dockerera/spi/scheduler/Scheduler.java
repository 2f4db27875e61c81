package org.dockerera.spi.scheduler;

import java.util.List;

/**
 * Placement: filters (up, not cordoned, constraints, distinct-hosts, free CPU and memory, host port) then the active
 * {@link PlacementStrategy}. Pure: no I/O, the same inputs and strategy give the same plan (but {@code random}).
 * Instances are placed one at a time, each seeing the hosts as the earlier ones left them (requests, ports, counts).
 * Instances of one app go to distinct hosts while there are enough feasible ones; after that they are colocated
 * (noted in the plan), unless the request has {@code distinct-hosts}, which leaves them unplaced instead.
 */
public interface Scheduler {
    /**
     * Places {@code request.instances()} new instances on {@code hosts} (ids unique; order does not matter).
     * Never throws for an impossible placement: the plan says what could not be placed and why.
     */
    PlacementPlan place(PlacementRequest request, List<HostSnapshot> hosts);

    /** The name of the configured strategy ({@code strategy} in {@code etc/org.dockerera.scheduler.cfg}). */
    String strategy();

    /** Names of the strategies installed now, sorted. */
    List<String> strategies();
}
