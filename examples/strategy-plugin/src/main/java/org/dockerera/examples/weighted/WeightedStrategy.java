package org.dockerera.examples.weighted;

import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.dockerera.spi.scheduler.PlacementStrategy;
import org.osgi.service.component.annotations.Component;

/**
 * {@code weighted}: hosts with a higher {@code weight} label first ({@code weight=10} before {@code weight=2}; a host
 * without the label, or with one that is not a number, weighs 0). Between hosts of equal weight, the one with more
 * free memory after placement first. Operators label the hosts they want filled first, e.g. the bigger or cheaper
 * ones.
 * <p>
 * This is the whole plugin: a DS component registering a {@link PlacementStrategy} with the property
 * {@code dockerera.strategy=weighted}. The scheduler still applies its filters (up, cordon, constraints, resources,
 * ports) and spreads one app's instances over distinct hosts first; the strategy only ranks the feasible hosts.
 */
@Component(service = PlacementStrategy.class, property = PlacementStrategy.PROPERTY + "=" + WeightedStrategy.NAME)
public final class WeightedStrategy implements PlacementStrategy {
    public static final String NAME = "weighted";
    public static final String LABEL = "weight";
    /** Weights dominate: one unit of weight outranks any difference in free memory (up to 1 PiB). */
    private static final double WEIGHT_UNIT = 1L << 50;

    @Override
    public double score(HostSnapshot host, PlacementRequest request) {
        long freeAfter = Math.max(0, host.freeMemoryBytes() - request.memoryBytes());
        return weight(host) * WEIGHT_UNIT + Math.min(freeAfter, (1L << 50) - 1);
    }

    static double weight(HostSnapshot host) {
        String w = host.labels().get(LABEL);
        if (w == null) {
            return 0;
        }
        try {
            double d = Double.parseDouble(w.strip());
            return Double.isFinite(d) ? d : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
