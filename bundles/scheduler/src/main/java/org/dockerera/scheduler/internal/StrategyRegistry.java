package org.dockerera.scheduler.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dockerera.spi.scheduler.PlacementStrategy;

/**
 * The strategies on offer, by their {@value PlacementStrategy#PROPERTY} name. When two services share a name the one
 * with the higher {@code service.ranking} (then the lower {@code service.id}) wins, as in OSGi's own lookup.
 */
final class StrategyRegistry {
    private record Entry(String name, PlacementStrategy strategy, int ranking, long serviceId) {
    }

    private static final Comparator<Entry> PREFERRED = Comparator.comparingInt(Entry::ranking).reversed()
            .thenComparingLong(Entry::serviceId);

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    /** Adds {@code strategy} under the name in its service properties; false (and not added) when it has none. */
    boolean add(PlacementStrategy strategy, Map<String, ?> properties) {
        Object name = properties.get(PlacementStrategy.PROPERTY);
        if (!(name instanceof String s) || s.isBlank()) {
            return false;
        }
        entries.add(new Entry(s.strip(), strategy, number(properties.get("service.ranking"), 0).intValue(),
                number(properties.get("service.id"), Long.MAX_VALUE).longValue()));
        return true;
    }

    void remove(PlacementStrategy strategy) {
        entries.removeIf(e -> e.strategy() == strategy);
    }

    /** The strategy named {@code name}, or null when none is installed. */
    PlacementStrategy get(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).min(PREFERRED).map(Entry::strategy).orElse(null);
    }

    /** Installed names, sorted, once each. */
    List<String> names() {
        return entries.stream().map(Entry::name).distinct().sorted().toList();
    }

    private static Number number(Object value, long otherwise) {
        return value instanceof Number n ? n : otherwise;
    }
}
