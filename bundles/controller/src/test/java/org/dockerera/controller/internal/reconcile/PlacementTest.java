package org.dockerera.controller.internal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.dockerera.api.AppSpec;
import org.dockerera.api.ProcessType;
import org.dockerera.api.Resources;
import org.dockerera.spi.scheduler.Constraint;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementRequest;
import org.junit.jupiter.api.Test;

class PlacementTest {

    @Test
    void whenNoHostCanTakeTheInstancesThePlanSaysWhyForEveryHost() {
        World w = World.web(2, "h1", "h2");
        w.hostDown("h1");
        w.cordon("h2");
        w.deploy();

        Plan plan = w.plan();

        assertThat(plan.actions()).isEmpty();
        assertThat(plan.unplaced()).isEqualTo(2);
        assertThat(plan.placement().rejections()).containsExactly(
                Map.entry("h1", List.of("down")), Map.entry("h2", List.of("cordoned")));
        assertThat(plan.waits()).singleElement().satisfies(wait -> {
            assertThat(wait.subject()).isEqualTo("web.test");
            assertThat(wait.reason()).isEqualTo("cannot place 2 of 2 new instance(s) of release 1: no host can take an "
                    + "instance of web.test: see each host's reasons; release 1 fails if still so by then");
            assertThat(wait.until()).isEqualTo(World.T0.plusMillis(World.START_TIMEOUT_MS));
        });
        assertThat(plan.describe()).containsSubsequence("  h1: down", "  h2: cordoned");
    }

    @Test
    void releaseThatStillCannotBePlacedAtItsDeadlineFails() {
        World w = World.running(1, "h1", "h2");
        w.constraints("env==prod");
        w.deploy();
        w.advance(Duration.ofMillis(World.START_TIMEOUT_MS));

        Plan plan = w.step();

        assertThat(Brief.of(plan)).containsExactly("failed v2");
        assertThat(plan.actions().get(0).reason()).isEqualTo("release 2 failed: cannot place 1 of 1 new instance(s) of "
                + "release 2: no host can take an instance of web.test: see each host's reasons");
        assertThat(w.routed()).containsExactly("v1-1");
    }

    @Test
    void placementThatSucceedsBeforeTheDeadlineGoesOn() {
        World w = World.running(1, "h1", "h2");
        w.cordon("h1");
        w.cordon("h2");
        w.deploy();
        assertThat(w.plan().actions()).isEmpty();
        w.advance(Duration.ofSeconds(30));

        w.hosts.put("h3", HostSnapshot.of("h3", Map.of(), 4, 8L << 30));

        assertThat(Brief.of(w.plan())).containsExactly("start v2 on h3");
    }

    @Test
    void partialPlacementStartsWhatFitsAndExplainsTheRest() {
        World w = new World(World.app(3, ProcessType.WEB, "on-failure", List.of("distinct-hosts")), "h1", "h2");
        w.deploy();

        Plan plan = w.plan();

        assertThat(Brief.of(plan)).containsExactly("start v1 on h1", "start v1 on h2");
        assertThat(plan.unplaced()).isEqualTo(1);
        assertThat(plan.waits()).extracting(Wait::reason).containsExactly("cannot place 1 of 3 new instance(s) of "
                + "release 1: only 2 of 3 instances fit; release 1 fails if still so by then");
    }

    @Test
    void schedulerCountsOnlyInstancesOfTheReleaseBeingPlacedAndSeesDrainingHostsAsCordoned() {
        World w = World.running(2, "h1", "h2", "h3");
        w.drain("h3");
        w.deploy();

        w.plan();

        List<HostSnapshot> seen = w.scheduler.hostsSeen.get(w.scheduler.hostsSeen.size() - 1);
        assertThat(seen).extracting(HostSnapshot::id, HostSnapshot::appInstances, HostSnapshot::schedulable)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("h1", 0, true),
                        org.assertj.core.groups.Tuple.tuple("h2", 0, true),
                        org.assertj.core.groups.Tuple.tuple("h3", 0, false));
    }

    @Test
    void distinctHostsHoldsAmongTheNewReleaseSoARolloutOnFullyUsedHostsCanProceed() {
        World w = new World(World.app(2, ProcessType.WEB, "on-failure", List.of("distinct-hosts")), "h1", "h2");
        w.deploy();
        w.converge();
        w.deploy();

        w.watchServing = true;
        w.converge();

        assertThat(w.active).isEqualTo(2);
        assertThat(w.of(2)).extracting(ObservedInstance::hostId).containsExactlyInAnyOrder("h1", "h2");
        assertThat(w.lowWater).isGreaterThanOrEqualTo(2);
    }

    @Test
    void constraintsAndResourceRequestsGoToTheScheduler() {
        World w = World.web(1, "h1");
        w.app = w.app.patch(new AppSpec(null, null, null, null, null, null,
                new Resources(0.5, 256L << 20, 1.0, 512L << 20), null, null, null, List.of("env==prod", "disk!=hdd")),
                w.now);
        w.deploy();

        w.plan();

        PlacementRequest r = w.scheduler.requests.get(0);
        assertThat(r.cpus()).isEqualTo(0.5);
        assertThat(r.memoryBytes()).isEqualTo(256L << 20);
        assertThat(r.constraints()).containsExactly(Constraint.equal("env", "prod"), Constraint.notEqual("disk", "hdd"));
        assertThat(r.hostPort()).isZero();
    }

    @Test
    void invalidConstraintIsExplainedInsteadOfThrown() {
        World w = World.web(1, "h1");
        w.constraints("env=prod");
        w.deploy();

        Plan plan = w.plan();

        assertThat(plan.actions()).isEmpty();
        assertThat(plan.placement().complete()).isFalse();
        assertThat(plan.placement().failure()).contains("env=prod");
        assertThat(w.scheduler.requests).isEmpty();
    }

    @Test
    void colocationNotesFromTheSchedulerReachThePlan() {
        World w = World.web(2, "h1");
        w.deploy();

        assertThat(w.plan().notes()).containsExactly("colocated an instance of web.test on h1");
    }
}
