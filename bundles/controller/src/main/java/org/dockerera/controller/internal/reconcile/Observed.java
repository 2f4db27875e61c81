package org.dockerera.controller.internal.reconcile;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.dockerera.spi.scheduler.HostSnapshot;

/**
 * What is true now for one app.
 *
 * @param instances     every instance of the app, whatever its state or release (ids unique)
 * @param hosts         every host, as placement sees it for this app (up, schedulable = not cordoned, capacity)
 * @param drainingHosts hosts being drained: cordoned, and their instances of this app are moved elsewhere one by one
 * @param routers       what the registered routers acknowledged
 * @param strays        containers labelled for this app that no instance record knows
 */
public record Observed(List<ObservedInstance> instances, List<HostSnapshot> hosts, Set<String> drainingHosts,
                       Routers routers, List<StrayContainer> strays) {
    public Observed {
        instances = instances == null ? List.of()
                : instances.stream().sorted(Comparator.comparing(ObservedInstance::id)).toList();
        hosts = hosts == null ? List.of() : hosts.stream().sorted(Comparator.comparing(HostSnapshot::id)).toList();
        drainingHosts = drainingHosts == null ? Set.of() : Set.copyOf(drainingHosts);
        routers = routers == null ? Routers.NONE : routers;
        strays = strays == null ? List.of() : strays.stream()
                .sorted(Comparator.comparing(StrayContainer::hostId).thenComparing(StrayContainer::containerId)).toList();
        unique("instance", instances.stream().map(ObservedInstance::id).toList());
        unique("host", hosts.stream().map(HostSnapshot::id).toList());
    }

    /** These instances on these hosts, no routers registered, nothing draining, no strays. */
    public static Observed of(List<ObservedInstance> instances, List<HostSnapshot> hosts) {
        return new Observed(instances, hosts, Set.of(), Routers.NONE, List.of());
    }

    private static void unique(String what, List<String> ids) {
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (!seen.add(Objects.requireNonNull(id, what + " id"))) {
                throw new IllegalArgumentException(what + " " + id + " is listed twice");
            }
        }
    }
}
