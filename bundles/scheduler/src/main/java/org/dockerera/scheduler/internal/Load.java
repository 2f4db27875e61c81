package org.dockerera.scheduler.internal;

import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementRequest;

/**
 * How loaded a host would be with one more instance: the mean of its CPU and memory fractions (requests against
 * capacity) after placement, as Nomad's and Kubernetes' scorers do. Every instance also counts a nominal
 * {@value #NOMINAL_CPUS} CPU and 128 MiB on top of its requests, as Kubernetes does for pods without requests, so that
 * apps without requests still spread (or pack) by instance count, weighted by host size. A tiny per-instance term
 * breaks the remaining ties (hosts without known capacity) by instance count.
 */
final class Load {
    static final double NOMINAL_CPUS = 0.1;
    static final long NOMINAL_MEMORY_BYTES = 128L * 1024 * 1024;
    private static final double PER_INSTANCE = 1e-9;

    private Load() {
    }

    static double after(HostSnapshot host, PlacementRequest request) {
        int instances = host.instances() + 1;
        double sum = 0;
        int dims = 0;
        if (host.cpus() > 0) {
            sum += (host.requestedCpus() + request.cpus() + instances * NOMINAL_CPUS) / host.cpus();
            dims++;
        }
        if (host.memoryBytes() > 0) {
            sum += (host.requestedMemoryBytes() + request.memoryBytes() + instances * (double) NOMINAL_MEMORY_BYTES)
                    / host.memoryBytes();
            dims++;
        }
        return (dims == 0 ? 0 : sum / dims) + instances * PER_INSTANCE;
    }
}
