package org.dockerera.controller.internal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.dockerera.api.InstanceState;
import org.dockerera.api.ReleaseStatus;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.junit.jupiter.api.Test;

class ScaleTest {

    @Test
    void scaleUpStartsEveryMissingInstanceAtOnceOnTheLeastUsedHosts() {
        World w = World.running(2, "h1", "h2", "h3", "h4");
        w.scale(4);

        Plan plan = w.plan();

        assertThat(Brief.of(plan)).containsExactly("start v1 on h3", "start v1 on h4");
        assertThat(plan.actions(Action.StartInstance.class)).extracting(Action::reason).containsExactly(
                "keep 4 instance(s) of release 1 running: instance 3",
                "keep 4 instance(s) of release 1 running: instance 4");
        assertThat(w.scheduler.requests.get(w.scheduler.requests.size() - 1).instances()).isEqualTo(2);
    }

    @Test
    void scaleDownTakesInstancesOutOfRoutingAndStopsThemOnlyAfterTheDrainTimeout() {
        World w = World.running(3, "h1", "h2", "h3");
        w.scale(2);

        assertThat(Brief.of(w.step())).containsExactly("retire v1-3", "route out v1-3");
        assertThat(w.get("v1-3").state()).as("still running while it drains").isEqualTo(InstanceState.HEALTHY);
        w.advance(Duration.ofMillis(World.DRAIN_MS - 1));
        assertThat(w.plan().actions()).isEmpty();
        assertThat(w.plan().waits()).singleElement().satisfies(wait -> {
            assertThat(wait.subject()).isEqualTo("v1-3");
            assertThat(wait.until()).isEqualTo(World.T0.plusMillis(World.DRAIN_MS));
        });
        w.advance(Duration.ofMillis(1));
        assertThat(Brief.of(w.step())).containsExactly("stop v1-3");
        w.finishStops();
        assertThat(Brief.of(w.step())).containsExactly("remove v1-3");
        assertThat(w.plan().settled()).isTrue();
        assertThat(w.ids(1)).containsExactly("v1-1", "v1-2");
    }

    @Test
    void scaleDownLetsGoOfInstancesThatDoNotServeFirst() {
        World w = World.running(3, "h1", "h2", "h3");
        w.unhealthy("v1-1");
        w.crash("v1-2", 1);
        w.scale(1);

        Plan plan = w.plan();

        assertThat(plan.actions(Action.Retire.class)).extracting(Action.Retire::instanceId)
                .containsExactly("v1-1", "v1-2");
        assertThat(plan.actions(Action.Retire.class).get(0).reason()).isEqualTo("scale down to 1 instance(s) of release 1");
        assertThat(plan.actions(Action.Restart.class)).as("a crashed instance being let go is not restarted").isEmpty();
    }

    @Test
    void scaleDownLetsGoOfInstancesOnCrowdedHostsFirst() {
        World w = World.running(3, "h1", "h2");
        assertThat(w.on("h1")).extracting(ObservedInstance::id).containsExactly("v1-1", "v1-3");
        w.scale(2);

        assertThat(w.plan().actions(Action.Retire.class)).extracting(Action.Retire::instanceId).containsExactly("v1-3");
    }

    @Test
    void scaleDownLetsGoOfInstancesOnCordonedHostsFirst() {
        World w = World.running(3, "h1", "h2");
        w.cordon("h2");
        w.scale(2);

        assertThat(w.plan().actions(Action.Retire.class)).extracting(Action.Retire::instanceId).containsExactly("v1-2");
    }

    @Test
    void scaleFourToTwoToZeroToTwoFollowsTheSameRules() {
        World w = World.running(4, "h1", "h2", "h3", "h4");

        w.scale(2);
        w.watchServing = true;
        w.converge();
        assertThat(w.lowWater).isEqualTo(2);
        assertThat(w.instances.values()).hasSize(2).allMatch(i -> i.state() == InstanceState.HEALTHY);
        assertThat(w.routed()).hasSize(2);

        w.scale(0);
        w.watchServing = false;
        w.converge();
        assertThat(w.instances).isEmpty();
        assertThat(w.routed()).isEmpty();
        assertThat(w.appliedOf(Action.Stop.class)).hasSize(4);

        w.scale(2);
        Plan up = w.plan();
        assertThat(Brief.of(up)).containsExactly("start v1 on h1", "start v1 on h2");
        w.converge();
        assertThat(w.routed()).hasSize(2);

        assertThat(w.active).isEqualTo(1);
        assertThat(w.status(1)).isEqualTo(ReleaseStatus.ACTIVE);
        assertThat(w.releases).hasSize(1);
        assertThat(w.appliedOf(Action.MarkActive.class)).hasSize(1);
    }

    @Test
    void scaleToZeroStopsEveryInstanceOnlyAfterItsDrain() {
        World w = World.running(2, "h1", "h2");
        w.routers = 2;
        w.ack();
        w.scale(0);

        Plan plan = w.step();

        assertThat(Brief.of(plan)).containsExactly("retire v1-1", "retire v1-2", "route out v1-1,v1-2");
        w.converge();
        assertThat(w.instances).isEmpty();
    }

    @Test
    void scaleUpWithResourceRequestsLeavesWhatDoesNotFitUnplacedAndExplained() {
        World w = World.running(1, "h1", "h2");
        w.hosts.put("h2", new HostSnapshot("h2", true, true, Map.of(), 4, 8L << 30, 4, 0, null, 0, 3));
        w.app = w.app.patch(new org.dockerera.api.AppSpec(null, 3, null, null, null, null,
                new org.dockerera.api.Resources(1.0, null, null, null), null, null, null, null), w.now);

        Plan plan = w.plan();

        assertThat(Brief.of(plan)).containsExactly("start v1 on h1", "start v1 on h1");
        assertThat(plan.placement().rejections()).containsKey("h2");
        assertThat(plan.notes()).contains("colocated an instance of web.test on h1");
    }
}
