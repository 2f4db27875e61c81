package org.dockerera.spi.scheduler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The answer of {@link Scheduler#place}: where each new instance goes, and why every host that was not feasible was
 * ruled out. A plan only computes; nothing has been started.
 *
 * @param app           the app placed
 * @param strategy      the strategy that ranked the hosts ({@code spread}, {@code binpack}, …)
 * @param instances     how many new instances were asked for
 * @param assignments   the host id of each placed instance, in placement order; shorter than {@code instances} when
 *                      the plan is incomplete (what could be placed is still listed)
 * @param rejections    for every host that could take none of the instances, its reasons ({@code down},
 *                      {@code cordoned}, {@code constraint env==prod: label env is 'dev'},
 *                      {@code needs 0.5 CPU, 0.25 free of 2}, {@code port 8080 already published}, …), by host id
 *                      in id order; immutable, and possibly written only when first read (see {@link Rejections})
 * @param feasibleHosts how many hosts passed every filter before the first instance was placed
 * @param notes         what the user should know although nothing failed, e.g.
 *                      {@code colocated 2 instances of web on h-1: only 1 feasible host for 3 instances}
 * @param complete      whether every instance asked for was placed
 * @param failure       when not complete, why, in one sentence that says what to do; null when complete
 */
public record PlacementPlan(String app, String strategy, int instances, List<String> assignments,
                            Map<String, List<String>> rejections, int feasibleHosts, List<String> notes, boolean complete,
                            String failure) {
    public PlacementPlan {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(strategy, "strategy");
        assignments = List.copyOf(assignments);
        rejections = Rejections.of(rejections);
        notes = List.copyOf(notes);
        if (complete != (failure == null)) {
            throw new IllegalArgumentException("a plan has a failure exactly when it is not complete");
        }
    }

    /** A plan that placed nothing because placement could not even start (e.g. the strategy is not installed). */
    public static PlacementPlan failed(PlacementRequest request, String strategy, String failure) {
        return new PlacementPlan(request.app(), strategy, request.instances(), List.of(), Rejections.none(), 0,
                List.of(), false, Objects.requireNonNull(failure, "failure"));
    }

    /** How many instances were placed. */
    public int placed() {
        return assignments.size();
    }

    /** How many of the new instances each used host receives, by host id in order of first use. */
    public Map<String, Integer> countsByHost() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String host : assignments) {
            counts.merge(host, 1, Integer::sum);
        }
        return counts;
    }
}
