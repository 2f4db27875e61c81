package org.dockerera.plugins.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dockerera.api.PluginImplementation;
import org.dockerera.api.PluginPoint;

/**
 * Builds the listing from what was observed: pure, so it is tested with plain values.
 * <ul>
 *   <li>a failure of a DS component replaces the registered service of the same component (a delayed component stays
 *       registered after its activation failed), and a failure reported twice (component and bundle) is listed
 *       once;</li>
 *   <li>active: the store the facade forwards to, the configured strategy; any other point's implementation when it
 *       is up. A failed or down implementation is never active.</li>
 * </ul>
 */
final class Catalog {
    private Catalog() {
    }

    /**
     * @param registered     the registered services of every point
     * @param failures       components and bundles of plugin points that are not running
     * @param activeStore    the backend the store facade forwards to, or null when unknown
     * @param activeStrategy the strategy the scheduler is configured with, or null when there is no scheduler
     */
    static List<PluginPoint> build(List<Found> registered, List<Found> failures, String activeStore,
                                   String activeStrategy) {
        Map<String, Found> byKey = new LinkedHashMap<>();
        for (Found f : registered) {
            byKey.putIfAbsent(key(f), f);
        }
        for (Found f : failures) {
            Found same = byKey.get(key(f));
            if (same == null || !same.failed()) {
                byKey.put(key(f), same == null ? f : same.withHealth(f.health()));
            }
        }
        List<PluginPoint> out = new ArrayList<>();
        for (Point p : Point.ALL) {
            List<PluginImplementation> impls = new ArrayList<>();
            for (Found f : byKey.values()) {
                if (f.point().equals(p)) {
                    impls.add(new PluginImplementation(f.name(), f.bundle(), f.version(),
                            active(f, activeStore, activeStrategy), f.health(), f.detail()));
                }
            }
            impls.sort(Comparator.comparing(PluginImplementation::name).thenComparing(PluginImplementation::bundle)
                    .thenComparing(PluginImplementation::version));
            out.add(new PluginPoint(p.point(), impls));
        }
        return out;
    }

    private static boolean active(Found f, String activeStore, String activeStrategy) {
        if (f.failed()) {
            return false;
        }
        if (f.point().equals(Point.STORE)) {
            return f.name().equals(activeStore);
        }
        if (f.point().equals(Point.STRATEGY)) {
            return f.name().equals(activeStrategy);
        }
        return "up".equals(f.health());
    }

    /** The component when known (one component, one row), else point, name and bundle. */
    private static String key(Found f) {
        return f.point().point() + "|" + (f.component() != null ? "c:" + f.bundle() + "/" + f.component()
                : "n:" + f.name() + "/" + Objects.toString(f.bundle()));
    }
}
