package org.dockerera.scheduler.internal;

import java.util.Random;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.dockerera.spi.scheduler.PlacementStrategy;
import org.osgi.service.component.annotations.Component;

/**
 * {@code random}: a uniformly random feasible host (anti-affinity still first). Seedable: the same seed and the same
 * calls from one thread give the same plans.
 */
@Component(service = PlacementStrategy.class, property = PlacementStrategy.PROPERTY + "=" + RandomStrategy.NAME)
public final class RandomStrategy implements PlacementStrategy {
    public static final String NAME = "random";

    private final Random random;

    public RandomStrategy() {
        this.random = new Random();
    }

    public RandomStrategy(long seed) {
        this.random = new Random(seed);
    }

    @Override
    public double score(HostSnapshot host, PlacementRequest request) {
        return random.nextDouble();
    }
}
