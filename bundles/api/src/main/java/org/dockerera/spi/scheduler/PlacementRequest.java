package org.dockerera.spi.scheduler;

import java.util.List;
import org.dockerera.api.DockereraException;

/**
 * Where should {@code instances} new instances of {@code app} go?
 * <p>
 * Hosts report how many instances of this app they already run ({@link HostSnapshot#appInstances()}); the request is
 * only for the new ones (a scale from 2 to 4 asks for 2).
 *
 * @param app         the app's name, e.g. {@code my.app.com}
 * @param instances   how many new instances to place; 0 answers an empty, complete plan (with the hosts' reasons)
 * @param cpus        CPUs each instance requests; 0 = none (the instance is still counted)
 * @param memoryBytes memory each instance requests, in bytes; 0 = none
 * @param constraints {@code env==prod}, {@code disk!=hdd}, {@code distinct-hosts}; see {@link Constraint#parseAll}
 * @param hostPort    the fixed host port each instance publishes, or 0 for none (an ephemeral port)
 */
public record PlacementRequest(String app, int instances, double cpus, long memoryBytes, List<Constraint> constraints,
                               int hostPort) {
    /** The problem type slug of every validation error. */
    public static final String INVALID = "invalid-placement";

    public PlacementRequest {
        if (app == null || app.isBlank()) {
            throw DockereraException.invalid(INVALID, "placement needs an app name");
        }
        if (instances < 0) {
            throw DockereraException.invalid(INVALID, "instances of " + app + " must be 0 or more, got " + instances);
        }
        if (!(cpus >= 0) || Double.isInfinite(cpus)) {
            throw DockereraException.invalid(INVALID, "CPU request of " + app + " must be 0 or a positive number, got " + cpus);
        }
        if (memoryBytes < 0) {
            throw DockereraException.invalid(INVALID, "memory request of " + app + " must be 0 or more bytes, got "
                    + memoryBytes);
        }
        if (hostPort < 0 || hostPort > 65535) {
            throw DockereraException.invalid(INVALID, "host port of " + app + " must be between 1 and 65535 (0 = none), got "
                    + hostPort);
        }
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
        contradiction(app, constraints);
    }

    /** {@code instances} of {@code app} with no requests, constraints or fixed port. */
    public static PlacementRequest of(String app, int instances) {
        return new PlacementRequest(app, instances, 0, 0, List.of(), 0);
    }

    /** This request with per-instance CPU and memory requests. */
    public PlacementRequest withResources(double cpus, long memoryBytes) {
        return new PlacementRequest(app, instances, cpus, memoryBytes, constraints, hostPort);
    }

    /** This request with these constraints, parsed with {@link Constraint#parse} (422 on bad syntax). */
    public PlacementRequest withConstraints(String... constraints) {
        return new PlacementRequest(app, instances, cpus, memoryBytes, Constraint.parseAll(List.of(constraints)), hostPort);
    }

    /** This request publishing a fixed host port (0 = none). */
    public PlacementRequest withHostPort(int port) {
        return new PlacementRequest(app, instances, cpus, memoryBytes, constraints, port);
    }

    /** This request for another number of instances. */
    public PlacementRequest withInstances(int count) {
        return new PlacementRequest(app, count, cpus, memoryBytes, constraints, hostPort);
    }

    /** Whether {@code distinct-hosts} is among the constraints: never two instances of the app on one host. */
    public boolean distinctHosts() {
        return constraints.contains(Constraint.DISTINCT_HOSTS);
    }

    /** Rejects constraints that no host can ever satisfy together ({@code env==a} with {@code env==b} or {@code env!=a}). */
    private static void contradiction(String app, List<Constraint> constraints) {
        for (int i = 0; i < constraints.size(); i++) {
            Constraint a = constraints.get(i);
            if (a.operator() != Constraint.Operator.EQUALS) {
                continue;
            }
            for (Constraint b : constraints) {
                if (b == a || !b.key().equals(a.key())) {
                    continue;
                }
                boolean clash = b.operator() == Constraint.Operator.EQUALS && !b.value().equals(a.value())
                        || b.operator() == Constraint.Operator.NOT_EQUALS && b.value().equals(a.value());
                if (clash) {
                    throw DockereraException.invalid(Constraint.INVALID, "constraints " + a + " and " + b + " of " + app
                            + " can never both hold: remove one of them");
                }
            }
        }
    }
}
