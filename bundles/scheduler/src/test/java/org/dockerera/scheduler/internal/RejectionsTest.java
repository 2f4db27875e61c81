package org.dockerera.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dockerera.scheduler.internal.Hosts.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementPlan;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.dockerera.spi.scheduler.Rejections;
import org.junit.jupiter.api.Test;

/** Rejection reasons are written on first read, once, and are the same as an eager explanation. */
class RejectionsTest {
    @Test
    void eagerCopyIsSortedImmutableAndDetached() {
        Map<String, List<String>> source = new HashMap<>();
        source.put("h-2", new ArrayList<>(List.of("down")));
        source.put("h-1", List.of("cordoned"));
        Rejections r = Rejections.of(source);
        source.get("h-2").add("later");
        source.clear();
        assertThat(r).containsExactly(Map.entry("h-1", List.of("cordoned")), Map.entry("h-2", List.of("down")));
        assertThatThrownBy(() -> r.put("h-3", List.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.get("h-1").add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Rejections.of(r)).isSameAs(r);
        assertThat(Rejections.of(Map.of())).isSameAs(Rejections.none()).isEmpty();
    }

    @Test
    void lazyKnowsItsSizeWithoutWritingAndWritesOnce() {
        AtomicInteger computed = new AtomicInteger();
        Rejections r = Rejections.lazy(2, () -> {
            computed.incrementAndGet();
            return Map.of("h-9", List.of("down"), "h-1", List.of("cordoned"));
        });
        assertThat(r.size()).isEqualTo(2);
        assertThat(r.isEmpty()).isFalse();
        assertThat(computed).hasValue(0);
        assertThat(r.get("h-9")).containsExactly("down");
        assertThat(r.keySet()).containsExactly("h-1", "h-9");
        assertThat(r.containsKey("h-1")).isTrue();
        assertThat(r).isEqualTo(Map.of("h-1", List.of("cordoned"), "h-9", List.of("down")));
        assertThat(computed).hasValue(1);
        assertThat(Rejections.lazy(0, () -> {
            throw new AssertionError("never asked");
        })).isEmpty();
    }

    @Test
    void lazyThatExplainsADifferentNumberOfHostsIsABug() {
        Rejections r = Rejections.lazy(3, () -> Map.of("h-1", List.of("down")));
        assertThatThrownBy(r::entrySet).isInstanceOf(IllegalStateException.class)
                .hasMessage("rejections announced 3 hosts but explained 1");
    }

    @Test
    void aPlanExplainsOnlyTheRejectedHostsAndScoresOnlyTheFeasibleOnes() {
        List<String> scored = new ArrayList<>();
        PlacementPlan plan = Placer.place(PlacementRequest.of("web", 1), List.of(host("h-1").withUp(false), host("h-2")),
                "rec", (h, r) -> {
                    scored.add(h.id());
                    return 0;
                });
        assertThat(scored).containsExactly("h-2");
        assertThat(plan.rejections()).isInstanceOf(Rejections.class).hasSize(1);
        assertThat(plan.rejections()).containsExactly(Map.entry("h-1", List.of("down")));
    }

    @Test
    void duplicateHostIdsAreACallerBugNamedWhenExplained() {
        PlacementPlan plan = Placer.place(PlacementRequest.of("web", 1),
                List.of(host("h-1").withUp(false), host("h-1").withUp(false)), "spread", new SpreadStrategy());
        assertThat(plan.rejections().size()).isEqualTo(2);
        assertThatThrownBy(() -> plan.rejections().get("h-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host ids given to place() must be unique: h-1 is there twice");
    }

    @Test
    void firstRejectingFilterAgreesWithTheReasonsOnManyRandomCases() {
        Random random = new Random(11);
        for (int round = 0; round < 500; round++) {
            PlacementRequest r = PlacerTest.randomRequest(random);
            Chain chain = Chain.of(r);
            for (HostSnapshot h : PlacerTest.randomHosts(random, 10)) {
                Filter first = chain.firstRejecting(h, r);
                List<String> reasons = chain.reasons(h, r);
                assertThat(reasons.isEmpty()).isEqualTo(first == null);
                if (first != null) {
                    assertThat(reasons.get(0)).isEqualTo(first.reason(h, r)).isNotBlank();
                    assertThat(chain.filters().stream().filter(f -> !f.accepts(h, r)).findFirst()).containsSame(first);
                }
                for (Filter f : chain.filters()) {
                    assertThat(f.reject(h, r) == null).isEqualTo(f.accepts(h, r));
                }
            }
        }
    }
}
