package org.dockerera.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dockerera.scheduler.internal.Hosts.GIB;
import static org.dockerera.scheduler.internal.Hosts.host;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementPlan;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.dockerera.spi.scheduler.PlacementStrategy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DS component driven by hand, as SCR would: bind strategies, activate, modify. */
class SchedulerComponentTest {
    private static final List<HostSnapshot> UNEQUAL = List.of(host("small", 2, 4 * GIB), host("medium", 4, 8 * GIB),
            host("large", 8, 16 * GIB));
    private static final PlacementRequest WEB = PlacementRequest.of("web", 1).withResources(0.5, 0);

    private final SchedulerComponent scheduler = new SchedulerComponent();
    private final SpreadStrategy spread = new SpreadStrategy();
    private final BinpackStrategy binpack = new BinpackStrategy();

    static SchedulerConfig config(String strategy) {
        return new SchedulerConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SchedulerConfig.class;
            }

            @Override
            public String strategy() {
                return strategy;
            }
        };
    }

    private static Map<String, Object> props(String name, int ranking, long id) {
        return Map.of(PlacementStrategy.PROPERTY, name, "service.ranking", ranking, "service.id", id);
    }

    @BeforeEach
    void bind() {
        scheduler.addStrategy(spread, props("spread", 0, 1));
        scheduler.addStrategy(binpack, props("binpack", 0, 2));
    }

    @Test
    void spreadIsTheDefault() {
        scheduler.activate(config("spread"));
        assertThat(scheduler.strategy()).isEqualTo("spread");
        PlacementPlan plan = scheduler.place(WEB, UNEQUAL);
        assertThat(plan.strategy()).isEqualTo("spread");
        assertThat(plan.assignments()).containsExactly("large");
        assertThat(scheduler.strategies()).containsExactly("binpack", "spread");
    }

    @Test
    void blankStrategyMeansSpread() {
        scheduler.activate(config("  "));
        assertThat(scheduler.strategy()).isEqualTo("spread");
        scheduler.modified(config(null));
        assertThat(scheduler.strategy()).isEqualTo("spread");
    }

    @Test
    void aConfigChangeSwitchesTheStrategyForTheNextPlacement() {
        scheduler.activate(config("spread"));
        assertThat(scheduler.place(WEB, UNEQUAL).assignments()).containsExactly("large");
        scheduler.modified(config(" binpack "));
        assertThat(scheduler.strategy()).isEqualTo("binpack");
        PlacementPlan plan = scheduler.place(WEB, UNEQUAL);
        assertThat(plan.strategy()).isEqualTo("binpack");
        assertThat(plan.assignments()).containsExactly("small");
        scheduler.modified(config("spread"));
        assertThat(scheduler.place(WEB, UNEQUAL).assignments()).containsExactly("large");
    }

    @Test
    void aStrategyThatIsNotInstalledFailsThePlanSayingWhatToDo() {
        scheduler.activate(config("random"));
        PlacementPlan plan = scheduler.place(WEB.withInstances(2), UNEQUAL);
        assertThat(plan.complete()).isFalse();
        assertThat(plan.assignments()).isEmpty();
        assertThat(plan.strategy()).isEqualTo("random");
        assertThat(plan.failure()).isEqualTo("placed 0 of 2 instances of web: strategy 'random' is not installed "
                + "(installed: binpack, spread); install its feature or set strategy in etc/org.dockerera.scheduler.cfg "
                + "to an installed one");
        // installing it later is enough: no restart, no config change
        scheduler.addStrategy(new RandomStrategy(1), props("random", 0, 3));
        PlacementPlan now = scheduler.place(WEB.withInstances(2), UNEQUAL);
        assertThat(now.complete()).isTrue();
        assertThat(now.assignments()).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void removingTheActiveStrategyFailsUntilItIsBack() {
        scheduler.activate(config("binpack"));
        scheduler.removeStrategy(binpack, props("binpack", 0, 2));
        assertThat(scheduler.strategies()).containsExactly("spread");
        assertThat(scheduler.place(WEB, UNEQUAL).failure()).contains("strategy 'binpack' is not installed (installed: spread)");
        scheduler.addStrategy(binpack, props("binpack", 0, 4));
        assertThat(scheduler.place(WEB, UNEQUAL).assignments()).containsExactly("small");
    }

    @Test
    void noStrategiesAtAll() {
        SchedulerComponent bare = new SchedulerComponent();
        bare.activate(config("spread"));
        assertThat(bare.strategies()).isEmpty();
        assertThat(bare.place(WEB, UNEQUAL).failure()).contains("(installed: none)");
    }

    @Test
    void ofTwoStrategiesWithOneNameTheHigherRankedWins() {
        PlacementStrategy alwaysMedium = (h, r) -> h.id().equals("medium") ? 1 : 0;
        scheduler.addStrategy(alwaysMedium, props("spread", 10, 9));
        scheduler.activate(config("spread"));
        assertThat(scheduler.place(WEB, UNEQUAL).assignments()).containsExactly("medium");
        assertThat(scheduler.strategies()).containsExactly("binpack", "spread");
        scheduler.removeStrategy(alwaysMedium, props("spread", 10, 9));
        assertThat(scheduler.place(WEB, UNEQUAL).assignments()).containsExactly("large");
    }

    @Test
    void aStrategyWithoutANameIsIgnored() {
        scheduler.addStrategy((h, r) -> 0, Map.of("service.id", 5L));
        assertThat(scheduler.strategies()).containsExactly("binpack", "spread");
    }

    @Test
    void aStrategyThatThrowsFailsThePlanInsteadOfTheCaller() {
        scheduler.addStrategy((h, r) -> {
            throw new IllegalStateException("boom");
        }, props("broken", 0, 6));
        scheduler.activate(config("broken"));
        PlacementPlan plan = scheduler.place(WEB, UNEQUAL);
        assertThat(plan.complete()).isFalse();
        assertThat(plan.failure()).isEqualTo("placed 0 of 1 instance of web: strategy 'broken' failed "
                + "(java.lang.IllegalStateException: boom); see the log, or set another strategy in "
                + "etc/org.dockerera.scheduler.cfg");
    }
}
