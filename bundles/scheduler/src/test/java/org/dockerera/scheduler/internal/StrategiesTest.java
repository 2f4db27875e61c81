package org.dockerera.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dockerera.scheduler.internal.Hosts.GIB;
import static org.dockerera.scheduler.internal.Hosts.MIB;
import static org.dockerera.scheduler.internal.Hosts.host;

import java.util.ArrayList;
import java.util.List;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.junit.jupiter.api.Test;

/** Scores of the built-in strategies: higher is preferred. */
class StrategiesTest {
    private static final PlacementRequest HALF = PlacementRequest.of("web", 1).withResources(0.5, 512 * MIB);
    private final SpreadStrategy spread = new SpreadStrategy();
    private final BinpackStrategy binpack = new BinpackStrategy();

    @Test
    void loadIsTheMeanCpuAndMemoryFractionAfterPlacementWithANominalPerInstance() {
        HostSnapshot h = host("h", 4, 8 * GIB).withLoad(1, 2 * GIB, 0, 3);
        // cpu (1 + 0.5 + 4 * 0.1) / 4 = 0.475; memory (2048 + 512 + 4 * 128) MiB / 8192 MiB = 0.375
        assertThat(Load.after(h, HALF)).isCloseTo((0.475 + 0.375) / 2, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(Load.after(host("h", 0, 0), HALF)).as("no capacity known: instance count only").isCloseTo(1e-9,
                org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void spreadPrefersTheEmptierHostAndBinpackTheFuller() {
        HostSnapshot empty = host("a", 4, 8 * GIB);
        HostSnapshot half = host("b", 4, 8 * GIB).withLoad(2, 4 * GIB, 0, 2);
        assertThat(spread.score(empty, HALF)).isGreaterThan(spread.score(half, HALF));
        assertThat(binpack.score(half, HALF)).isGreaterThan(binpack.score(empty, HALF));
    }

    @Test
    void afterPlacementABiggerEmptyHostIsLessLoaded() {
        HostSnapshot small = host("s", 2, 4 * GIB);
        HostSnapshot big = host("b", 16, 64 * GIB);
        assertThat(spread.score(big, HALF)).isGreaterThan(spread.score(small, HALF));
        assertThat(binpack.score(small, HALF)).isGreaterThan(binpack.score(big, HALF));
    }

    @Test
    void equalLoadGoesToFewerInstancesForSpreadAndMoreForBinpack() {
        HostSnapshot few = host("a", 0, 0).withLoad(0, 0, 0, 1);
        HostSnapshot many = host("b", 0, 0).withLoad(0, 0, 0, 9);
        PlacementRequest none = PlacementRequest.of("web", 1);
        assertThat(spread.score(few, none)).isGreaterThan(spread.score(many, none));
        assertThat(binpack.score(many, none)).isGreaterThan(binpack.score(few, none));
    }

    @Test
    void randomRepeatsWithTheSameSeedAndStaysInZeroToOne() {
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        RandomStrategy one = new RandomStrategy(99);
        RandomStrategy two = new RandomStrategy(99);
        for (int i = 0; i < 100; i++) {
            a.add(one.score(host("h"), HALF));
            b.add(two.score(host("h"), HALF));
        }
        assertThat(a).isEqualTo(b).allSatisfy(x -> assertThat(x).isBetween(0.0, 1.0));
        assertThat(a).doesNotHaveDuplicates();
        assertThat(new RandomStrategy().score(host("h"), HALF)).isBetween(0.0, 1.0);
    }
}
