package org.dockerera.scheduler.internal;

import java.util.ArrayList;
import java.util.List;
import org.dockerera.spi.scheduler.Constraint;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementRequest;

/**
 * The filter chain of one request: up, schedulable, each label constraint, distinct-hosts, CPU, memory, host port.
 * {@link #firstRejecting} is the hot path (every host of every request) and checks inline, in chain order, with the
 * same checks as the {@link Filter} objects, which write the reasons.
 */
final class Chain {
    private final List<Filter> filters;
    private final Constraint[] constraints;
    private final Filter[] constraintFilters;
    private final boolean distinct;
    private final boolean cpu;
    private final boolean memory;
    private final boolean port;

    private Chain(PlacementRequest request) {
        List<Filter> all = new ArrayList<>(6 + request.constraints().size());
        all.add(Filters.UP);
        all.add(Filters.SCHEDULABLE);
        List<Constraint> labels = new ArrayList<>();
        List<Filter> labelFilters = new ArrayList<>();
        boolean distinctHosts = false;
        for (Constraint c : request.constraints()) {
            if (c.isLabel()) {
                Filter f = Filters.constraint(c);
                labels.add(c);
                labelFilters.add(f);
                all.add(f);
            } else {
                distinctHosts = true;
            }
        }
        distinct = distinctHosts;
        cpu = request.cpus() > 0;
        memory = request.memoryBytes() > 0;
        port = request.hostPort() > 0;
        if (distinct) {
            all.add(Filters.DISTINCT_HOSTS);
        }
        if (cpu) {
            all.add(Filters.CPU);
        }
        if (memory) {
            all.add(Filters.MEMORY);
        }
        if (port) {
            all.add(Filters.PORT);
        }
        filters = List.copyOf(all);
        constraints = labels.toArray(Constraint[]::new);
        constraintFilters = labelFilters.toArray(Filter[]::new);
    }

    static Chain of(PlacementRequest request) {
        return new Chain(request);
    }

    /** The filters in order. */
    List<Filter> filters() {
        return filters;
    }

    /** The first filter that rejects {@code host}, or null when it passes them all. */
    Filter firstRejecting(HostSnapshot host, PlacementRequest request) {
        if (!host.up()) {
            return Filters.UP;
        }
        if (!host.schedulable()) {
            return Filters.SCHEDULABLE;
        }
        for (int i = 0; i < constraints.length; i++) {
            if (!constraints[i].matches(host.labels())) {
                return constraintFilters[i];
            }
        }
        if (distinct && host.appInstances() != 0) {
            return Filters.DISTINCT_HOSTS;
        }
        if (cpu && !Filters.cpuFits(host, request)) {
            return Filters.CPU;
        }
        if (memory && !Filters.memoryFits(host, request)) {
            return Filters.MEMORY;
        }
        if (port && !Filters.portFree(host, request)) {
            return Filters.PORT;
        }
        return null;
    }

    /** Every reason {@code host} is rejected for, in chain order (empty when it passes). */
    List<String> reasons(HostSnapshot host, PlacementRequest request) {
        List<String> reasons = new ArrayList<>(2);
        for (Filter f : filters) {
            if (!f.accepts(host, request)) {
                reasons.add(f.reason(host, request));
            }
        }
        return List.copyOf(reasons);
    }
}
