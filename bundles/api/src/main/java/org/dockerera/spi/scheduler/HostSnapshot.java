package org.dockerera.spi.scheduler;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What placement knows about one host at one moment, from the point of view of one app.
 *
 * @param id                   the host's id (unique; ties between equally good hosts go to the smaller id)
 * @param up                   whether the host monitor sees it up
 * @param schedulable          false when the host is cordoned (no new instances)
 * @param labels               placement labels ({@code env=prod})
 * @param cpus                 CPUs offered to placement (the capacity override when set)
 * @param memoryBytes          memory offered to placement, in bytes
 * @param requestedCpus        CPUs already requested by the instances on the host (all apps)
 * @param requestedMemoryBytes memory already requested by the instances on the host (all apps)
 * @param usedPorts            host ports already published on the host
 * @param appInstances         instances of the app being placed already on the host
 * @param instances            instances of all apps on the host
 */
public record HostSnapshot(String id, boolean up, boolean schedulable, Map<String, String> labels, double cpus,
                           long memoryBytes, double requestedCpus, long requestedMemoryBytes, Set<Integer> usedPorts,
                           int appInstances, int instances) {
    public HostSnapshot {
        Objects.requireNonNull(id, "id");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        usedPorts = usedPorts == null ? Set.of() : Set.copyOf(usedPorts);
        if (!(cpus >= 0) || !(requestedCpus >= 0) || memoryBytes < 0 || requestedMemoryBytes < 0 || appInstances < 0
                || instances < 0) {
            throw new IllegalArgumentException("host " + id + ": capacities, requests and counts must be 0 or more");
        }
    }

    /** An up, schedulable, empty host with these labels and capacity. */
    public static HostSnapshot of(String id, Map<String, String> labels, double cpus, long memoryBytes) {
        return new HostSnapshot(id, true, true, labels, cpus, memoryBytes, 0, 0, Set.of(), 0, 0);
    }

    /** CPUs not yet requested (negative when the host is overcommitted). */
    public double freeCpus() {
        return cpus - requestedCpus;
    }

    /** Memory not yet requested, in bytes (negative when the host is overcommitted). */
    public long freeMemoryBytes() {
        return memoryBytes - requestedMemoryBytes;
    }

    /**
     * The host after one more instance of {@code request} is placed on it: its requests, published port and both
     * instance counts grow. This is the tentative state placement ranks the next instance against.
     */
    public HostSnapshot withPlaced(PlacementRequest request) {
        Set<Integer> ports = usedPorts;
        if (request.hostPort() > 0 && !usedPorts.contains(request.hostPort())) {
            Set<Integer> more = new HashSet<>(usedPorts);
            more.add(request.hostPort());
            ports = Set.copyOf(more);
        }
        return new HostSnapshot(id, up, schedulable, labels, cpus, memoryBytes, requestedCpus + request.cpus(),
                requestedMemoryBytes + request.memoryBytes(), ports, appInstances + 1, instances + 1);
    }

    /** This host as seen by an app with {@code count} instances on it. */
    public HostSnapshot withAppInstances(int count) {
        return new HostSnapshot(id, up, schedulable, labels, cpus, memoryBytes, requestedCpus, requestedMemoryBytes,
                usedPorts, count, instances);
    }

    /** This host up or down. */
    public HostSnapshot withUp(boolean isUp) {
        return new HostSnapshot(id, isUp, schedulable, labels, cpus, memoryBytes, requestedCpus, requestedMemoryBytes,
                usedPorts, appInstances, instances);
    }

    /** This host schedulable, or cordoned. */
    public HostSnapshot withSchedulable(boolean isSchedulable) {
        return new HostSnapshot(id, up, isSchedulable, labels, cpus, memoryBytes, requestedCpus, requestedMemoryBytes,
                usedPorts, appInstances, instances);
    }

    /** This host with these requests and instance counts already on it. */
    public HostSnapshot withLoad(double requested, long requestedMemory, int appCount, int allCount) {
        return new HostSnapshot(id, up, schedulable, labels, cpus, memoryBytes, requested, requestedMemory, usedPorts,
                appCount, allCount);
    }

    /** This host with these host ports already published. */
    public HostSnapshot withUsedPorts(Set<Integer> ports) {
        return new HostSnapshot(id, up, schedulable, labels, cpus, memoryBytes, requestedCpus, requestedMemoryBytes,
                ports, appInstances, instances);
    }
}
