package org.dockerera.examples.weighted;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.dockerera.scheduler.internal.Placer;
import org.dockerera.scheduler.internal.SpreadStrategy;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.junit.jupiter.api.Test;

/** The strategy through the scheduler's own placer, beside spread on the same hosts. */
class WeightedStrategyTest {
    private static final long GIB = 1L << 30;
    /** The biggest host is the lightest: spread and weighted disagree. */
    private final List<HostSnapshot> hosts = List.of(
            HostSnapshot.of("h-a", Map.of("weight", "1"), 4, 8 * GIB),
            HostSnapshot.of("h-b", Map.of("weight", "2"), 2, 4 * GIB),
            HostSnapshot.of("h-c", Map.of("weight", "3"), 1, 2 * GIB),
            HostSnapshot.of("h-d", Map.of(), 8, 16 * GIB));
    private final PlacementRequest request = PlacementRequest.of("web", 1).withResources(0.5, 256L << 20);

    @Test
    void theHeaviestFeasibleHostComesFirstWhereSpreadPicksTheLeastLoaded() {
        assertThat(Placer.place(request, hosts, "weighted", new WeightedStrategy()).assignments())
                .containsExactly("h-c");
        assertThat(Placer.place(request, hosts, "spread", new SpreadStrategy()).assignments())
                .containsExactly("h-d");
    }

    @Test
    void instancesOfOneAppStillGoToDistinctHostsInOrderOfWeight() {
        assertThat(Placer.place(request.withInstances(3), hosts, "weighted", new WeightedStrategy()).assignments())
                .containsExactlyInAnyOrder("h-c", "h-b", "h-a");
    }

    @Test
    void aHostWithoutAWeightOrWithAnInvalidOneWeighsNothingAndEqualWeightsPreferMoreFreeMemory() {
        WeightedStrategy s = new WeightedStrategy();
        HostSnapshot big = HostSnapshot.of("h-1", Map.of("weight", "x"), 4, 8 * GIB);
        HostSnapshot small = HostSnapshot.of("h-2", Map.of(), 4, 2 * GIB);
        assertThat(WeightedStrategy.weight(big)).isZero();
        assertThat(s.score(big, request)).isGreaterThan(s.score(small, request));
        assertThat(s.score(HostSnapshot.of("h-3", Map.of("weight", "1"), 1, GIB), request))
                .isGreaterThan(s.score(big, request));
    }
}
