package org.dockerera.scheduler.internal;

import java.util.List;
import org.dockerera.spi.scheduler.Constraint;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementRequest;

/** The filter chain: up, schedulable, each label constraint, distinct-hosts, CPU, memory, host port. */
final class Filters {
    /** Tolerance on CPU sums, so that 0.1 + 0.2 fits in 0.3. */
    static final double CPU_EPSILON = 1e-9;

    static final Filter UP = new Filter() {
        @Override
        public Category category() {
            return Category.DOWN;
        }

        @Override
        public boolean accepts(HostSnapshot host, PlacementRequest request) {
            return host.up();
        }

        @Override
        public String reason(HostSnapshot host, PlacementRequest request) {
            return "down";
        }
    };

    static final Filter SCHEDULABLE = new Filter() {
        @Override
        public Category category() {
            return Category.CORDONED;
        }

        @Override
        public boolean accepts(HostSnapshot host, PlacementRequest request) {
            return host.schedulable();
        }

        @Override
        public String reason(HostSnapshot host, PlacementRequest request) {
            return "cordoned";
        }
    };

    static final Filter DISTINCT_HOSTS = new Filter() {
        @Override
        public Category category() {
            return Category.DISTINCT_HOSTS;
        }

        @Override
        public boolean accepts(HostSnapshot host, PlacementRequest request) {
            return host.appInstances() == 0;
        }

        @Override
        public String reason(HostSnapshot host, PlacementRequest request) {
            int n = host.appInstances();
            return "distinct-hosts: already runs " + n + (n == 1 ? " instance" : " instances") + " of " + request.app();
        }
    };

    static final Filter CPU = new Filter() {
        @Override
        public Category category() {
            return Category.RESOURCES;
        }

        @Override
        public boolean accepts(HostSnapshot host, PlacementRequest request) {
            return cpuFits(host, request);
        }

        @Override
        public String reason(HostSnapshot host, PlacementRequest request) {
            return "needs " + Format.cpus(request.cpus()) + " CPU, " + Format.cpus(Math.max(0, host.freeCpus()))
                    + " free of " + Format.cpus(host.cpus());
        }
    };

    static final Filter MEMORY = new Filter() {
        @Override
        public Category category() {
            return Category.RESOURCES;
        }

        @Override
        public boolean accepts(HostSnapshot host, PlacementRequest request) {
            return memoryFits(host, request);
        }

        @Override
        public String reason(HostSnapshot host, PlacementRequest request) {
            return "needs " + Format.bytes(request.memoryBytes()) + " memory, "
                    + Format.bytes(Math.max(0, host.freeMemoryBytes())) + " free of " + Format.bytes(host.memoryBytes());
        }
    };

    static final Filter PORT = new Filter() {
        @Override
        public Category category() {
            return Category.PORT;
        }

        @Override
        public boolean accepts(HostSnapshot host, PlacementRequest request) {
            return portFree(host, request);
        }

        @Override
        public String reason(HostSnapshot host, PlacementRequest request) {
            return "port " + request.hostPort() + " already published";
        }
    };

    private Filters() {
    }

    static boolean cpuFits(HostSnapshot host, PlacementRequest request) {
        return request.cpus() <= host.freeCpus() + CPU_EPSILON;
    }

    static boolean memoryFits(HostSnapshot host, PlacementRequest request) {
        return request.memoryBytes() <= host.freeMemoryBytes();
    }

    static boolean portFree(HostSnapshot host, PlacementRequest request) {
        return host.usedPorts().isEmpty() || !host.usedPorts().contains(request.hostPort());
    }

    /** A label constraint as a filter. */
    static Filter constraint(Constraint c) {
        return new Filter() {
            @Override
            public Category category() {
                return Category.CONSTRAINT;
            }

            @Override
            public boolean accepts(HostSnapshot host, PlacementRequest request) {
                return c.matches(host.labels());
            }

            @Override
            public String reason(HostSnapshot host, PlacementRequest request) {
                return c.rejection(host.labels());
            }
        };
    }

    /** The filters that apply to {@code request}, in the order their reasons are listed. */
    static List<Filter> chain(PlacementRequest request) {
        return Chain.of(request).filters();
    }
}
