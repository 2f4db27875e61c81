package org.dockerera.controller.internal.reconcile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dockerera.spi.scheduler.Constraint;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementPlan;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.dockerera.spi.scheduler.Scheduler;

/**
 * A small, deterministic scheduler that records what it was asked: filters (down, cordoned, label constraints, free
 * CPU), then fewest instances of the app first, then smallest host id; colocates only without distinct-hosts.
 */
public final class RecordingScheduler implements Scheduler {
    final List<PlacementRequest> requests = new ArrayList<>();
    final List<List<HostSnapshot>> hostsSeen = new ArrayList<>();

    @Override
    public PlacementPlan place(PlacementRequest request, List<HostSnapshot> hosts) {
        requests.add(request);
        hostsSeen.add(List.copyOf(hosts));
        Map<String, List<String>> rejections = new TreeMap<>();
        TreeMap<String, HostSnapshot> feasible = new TreeMap<>();
        for (HostSnapshot h : hosts) {
            List<String> why = new ArrayList<>();
            if (!h.up()) {
                why.add("down");
            }
            if (!h.schedulable()) {
                why.add("cordoned");
            }
            for (Constraint c : request.constraints()) {
                if (c.isLabel() && !c.matches(h.labels())) {
                    why.add(c.rejection(h.labels()));
                }
            }
            if (request.cpus() > 0 && h.freeCpus() < request.cpus()) {
                why.add("needs " + request.cpus() + " CPU, " + h.freeCpus() + " free of " + h.cpus());
            }
            if (why.isEmpty()) {
                feasible.put(h.id(), h);
            } else {
                rejections.put(h.id(), why);
            }
        }
        int feasibleCount = feasible.size();
        List<String> assignments = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int n = 0; n < request.instances(); n++) {
            HostSnapshot best = feasible.values().stream()
                    .filter(h -> !request.distinctHosts() || h.appInstances() == 0)
                    .filter(h -> request.cpus() == 0 || h.freeCpus() >= request.cpus())
                    .min(Comparator.comparingInt(HostSnapshot::appInstances).thenComparing(HostSnapshot::id))
                    .orElse(null);
            if (best == null) {
                break;
            }
            if (best.appInstances() > 0) {
                notes.add("colocated an instance of " + request.app() + " on " + best.id());
            }
            assignments.add(best.id());
            feasible.put(best.id(), best.withPlaced(request));
        }
        boolean complete = assignments.size() == request.instances();
        String failure = complete ? null : feasibleCount == 0
                ? "no host can take an instance of " + request.app() + ": see each host's reasons"
                : "only " + assignments.size() + " of " + request.instances() + " instances fit";
        return new PlacementPlan(request.app(), strategy(), request.instances(), assignments, rejections,
                feasibleCount, notes, complete, failure);
    }

    @Override
    public String strategy() {
        return "fake";
    }

    @Override
    public List<String> strategies() {
        return List.of("fake");
    }
}
