package org.dockerera.controller.internal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.dockerera.api.InstanceState;
import org.dockerera.api.ProcessType;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.junit.jupiter.api.Test;

class HostFailureTest {

    @Test
    void instancesOfADownHostAreRoutedOutAndReplacedOnHealthyHosts() {
        World w = World.running(2, "h1", "h2", "h3");
        w.hostDown("h1");

        Plan plan = w.step();

        assertThat(Brief.of(plan)).containsExactly("route out v1-1", "replace v1-1 with v1 on h3");
        assertThat(plan.actions(Action.Replace.class).get(0).reason())
                .isEqualTo("v1-1 is on host h1, which is down: release 1 again on h3");
        assertThat(w.scheduler.hostsSeen.get(w.scheduler.hostsSeen.size() - 1))
                .filteredOn(h -> h.id().equals("h1")).singleElement().extracting(HostSnapshot::up).isEqualTo(false);
        assertThat(w.get("v1-1").replacedBy()).isEqualTo("v1-3");
        w.converge();
        assertThat(w.routed()).containsExactly("v1-2", "v1-3");
        assertThat(w.plan().waits()).singleElement().satisfies(wait -> {
            assertThat(wait.subject()).isEqualTo("v1-1");
            assertThat(wait.reason()).isEqualTo("on host h1, which is down; removed when it comes back");
        });
    }

    @Test
    void whenTheHostReturnsTheContainersThatWereReplacedAreRemovedAsOrphans() {
        World w = World.running(2, "h1", "h2", "h3");
        w.hostDown("h1");
        w.converge();

        w.hostUp("h1");
        Plan plan = w.step();

        assertThat(Brief.of(plan)).containsExactly("remove orphan v1-1 on h1");
        Action.RemoveOrphan orphan = plan.actions(Action.RemoveOrphan.class).get(0);
        assertThat(orphan.containerId()).isEqualTo("c-v1-1");
        assertThat(orphan.reason()).isEqualTo("v1-1 was replaced by v1-3 while host h1 was down; the host is back");
        assertThat(w.plan().settled()).isTrue();
        assertThat(w.on("h1")).isEmpty();
    }

    @Test
    void orphanIsRemovedOnlyOnceRoutersAcknowledgedItsRemovalFromRouting() {
        World w = World.running(2, "h1", "h2", "h3");
        w.routers = 1;
        w.ack();
        w.hostDown("h1");
        w.step();
        w.hostUp("h1");

        assertThat(w.plan().actions(Action.RemoveOrphan.class)).isEmpty();
        w.ack();
        assertThat(w.plan().actions(Action.RemoveOrphan.class)).hasSize(1);
    }

    @Test
    void lostInstanceThatCannotBeReplacedWaitsAndServesAgainWhenItsHostReturns() {
        World w = new World(World.app(2, ProcessType.WEB, "on-failure", List.of("distinct-hosts")), "h1", "h2");
        w.deploy();
        w.converge();
        w.hostDown("h1");

        Plan plan = w.step();

        assertThat(Brief.of(plan)).containsExactly("route out v1-1");
        assertThat(plan.unplaced()).isEqualTo(1);
        assertThat(plan.placement().rejections()).containsEntry("h1", List.of("down"));
        assertThat(plan.waits()).extracting(Wait::reason).contains(
                "cannot place 1 of 1 new instance(s) of release 1: only 0 of 1 instances fit");
        assertThat(w.get("v1-1").leaving()).isFalse();
        w.hostUp("h1");
        assertThat(Brief.of(w.step())).containsExactly("route in v1-1");
        assertThat(w.plan().settled()).isTrue();
    }

    @Test
    void oldReleaseInstanceOnADownHostLeavesDuringARollout() {
        World w = World.running(2, "h1", "h2", "h3");
        w.deploy();
        w.hostDown("h1");

        Plan plan = w.plan();

        assertThat(Brief.of(plan)).startsWith("retire v1-1", "route out v1-1");
        w.watchServing = true;
        w.converge();
        assertThat(w.active).isEqualTo(2);
        assertThat(w.of(2)).hasSize(2).noneMatch(i -> i.hostId().equals("h1"));
        w.hostUp("h1");
        w.converge();
        assertThat(w.of(1)).isEmpty();
    }

    @Test
    void cordonedHostGetsNoNewInstancesButKeepsItsOwn() {
        World w = World.running(2, "h1", "h2", "h3");
        w.cordon("h3");
        w.cordon("h1");

        assertThat(w.plan().settled()).as("cordoning moves nothing").isTrue();
        w.scale(3);
        Plan plan = w.plan();

        assertThat(Brief.of(plan)).containsExactly("start v1 on h2");
        assertThat(plan.placement().rejections()).containsOnlyKeys("h1", "h3");
    }

    @Test
    void drainingAHostMovesItsInstancesOneByOneEachReplacementServingBeforeTheOldOneLeaves() {
        World w = World.running(2, "h1");
        w.routers = 1;
        w.ack();
        w.hosts.put("h2", HostSnapshot.of("h2", Map.of(), 4, 8L << 30));
        w.drain("h1");
        w.watchServing = true;

        Plan first = w.step();

        assertThat(Brief.of(first)).containsExactly("start v1 on h2");
        assertThat(first.actions().get(0).reason()).isEqualTo("move off draining host(s): instance 1 of 2 of release 1");
        assertThat(w.plan().actions()).isEmpty();
        w.settle();
        assertThat(Brief.of(w.step())).containsExactly("route in v1-3");
        assertThat(w.plan().actions()).as("not before routers applied it").isEmpty();
        w.ack();
        assertThat(Brief.of(w.step())).containsExactly("retire v1-1", "route out v1-1", "start v1 on h2");
        w.converge();
        assertThat(w.on("h1")).isEmpty();
        assertThat(w.on("h2")).hasSize(2).allMatch(i -> i.state() == InstanceState.HEALTHY && i.routing().routed());
        assertThat(w.lowWater).isEqualTo(2);
    }

    @Test
    void drainingTheOnlyHostExplainsWhyNothingMovesAndKeepsServing() {
        World w = World.running(1, "h1");
        w.drain("h1");

        Plan plan = w.plan();

        assertThat(plan.actions()).isEmpty();
        assertThat(plan.placement().rejections()).containsEntry("h1", List.of("cordoned"));
        assertThat(plan.describe()).contains("cannot place 1 instance(s): no host can take an instance of web.test: see"
                + " each host's reasons", "  h1: cordoned");
        assertThat(w.routed()).containsExactly("v1-1");
    }

    @Test
    void strayContainersAreRemovedOnceTheirHostIsUp() {
        World w = World.running(1, "h1", "h2");
        w.hostDown("h2");
        w.converge();
        w.strays.add(new StrayContainer("h2", "c-lost", "web.test-x"));
        w.strays.add(new StrayContainer("h1", "c-abandoned", "web.test-y"));

        assertThat(Brief.of(w.plan())).containsExactly("remove orphan c-abandoned on h1");
        w.step();
        w.hostUp("h2");
        Plan plan = w.plan();
        assertThat(Brief.of(plan)).containsExactly("remove orphan c-lost on h2");
        assertThat(plan.actions().get(0).reason())
                .isEqualTo("container web.test-x on h2 belongs to web.test but no instance is recorded for it");
    }

    @Test
    void retiredInstanceOnAHostNoLongerKnownIsForgotten() {
        World w = World.running(2, "h1", "h2", "h3");
        w.hostDown("h1");
        w.converge();

        w.hosts.remove("h1");

        assertThat(Brief.of(w.plan())).containsExactly("forget v1-1");
    }

    @Test
    void hostThatFailsMidRolloutDoesNotStopTheRollout() {
        World w = World.running(3, "h1", "h2", "h3", "h4");
        w.deploy();
        w.step();
        w.settle();
        w.step();

        w.hostDown("h2");
        w.watchServing = false;
        w.converge();

        assertThat(w.active).isEqualTo(2);
        assertThat(w.of(2)).filteredOn(i -> !i.leaving()).hasSize(3)
                .allMatch(i -> !i.hostId().equals("h2") && i.routing().routed());
    }
}
