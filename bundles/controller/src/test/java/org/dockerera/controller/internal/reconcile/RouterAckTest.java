package org.dockerera.controller.internal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouterAckTest {

    /** v1 running on h1, h2; v2-3 healthy and routed in; the routers have not applied that table yet. */
    private static World newInstanceRoutedButNotAcknowledged(int routers) {
        World w = World.running(2, "h1", "h2", "h3");
        w.routers = routers;
        w.ack();
        w.deploy();
        w.step();
        w.healthy("v2-3");
        w.step();
        return w;
    }

    @Test
    void oldInstancesStayInRoutingUntilEveryRouterAppliedTheTableWithTheNewOne() {
        World w = newInstanceRoutedButNotAcknowledged(2);

        w.advance(Duration.ofMinutes(5));
        Plan plan = w.plan();

        assertThat(plan.actions()).isEmpty();
        assertThat(plan.waits()).extracting(Wait::reason).contains(
                "waiting for every router to apply route table epoch 2 (2 router(s) acknowledged epoch 1)");
        assertThat(plan.progress().serving()).isZero();
        w.ack();
        assertThat(Brief.of(w.plan())).startsWith("retire v1-1", "route out v1-1");
    }

    @Test
    void releaseIsActiveOnlyWhenEveryRouterAppliedTheTableWithItsInstances() {
        World w = World.running(1, "h1", "h2");
        w.routers = 1;
        w.ack();
        w.deploy();
        w.step();
        w.healthy("v2-2");
        w.step();

        assertThat(w.plan().actions(Action.MarkActive.class)).isEmpty();
        w.ack();
        assertThat(Brief.of(w.plan())).containsExactly("active v2", "retire v1-1", "route out v1-1");
    }

    @Test
    void oldInstanceIsNotStoppedBeforeEveryRouterAcknowledgedItsRemovalEvenAfterItsDrainTimeout() {
        World w = newInstanceRoutedButNotAcknowledged(1);
        w.ack();
        w.step(); // v1-1 routed out at epoch 3
        w.advance(Duration.ofSeconds(30)); // far past its drain timeout (v2-4 still within its start timeout)

        Plan plan = w.plan();

        assertThat(plan.actions(Action.Stop.class)).isEmpty();
        assertThat(plan.waits()).filteredOn(x -> x.subject().equals("v1-1")).singleElement().satisfies(x -> assertThat(
                x.reason()).isEqualTo("out of routing since epoch 3; waiting for every router to apply it "
                + "(1 router(s) acknowledged epoch 2)"));
        w.ack();
        assertThat(w.plan().actions(Action.Stop.class)).extracting(Action.Stop::instanceId).containsExactly("v1-1");
    }

    @Test
    void drainTimeoutCountsFromTheRemovalNotFromTheAcknowledgement() {
        World w = newInstanceRoutedButNotAcknowledged(1);
        w.ack();
        w.step(); // v1-1 routed out now
        w.advance(Duration.ofMillis(World.DRAIN_MS / 2));
        w.ack();

        Plan plan = w.plan();

        assertThat(plan.actions(Action.Stop.class)).isEmpty();
        assertThat(plan.nextCheck()).isEqualTo(w.now.plusMillis(World.DRAIN_MS / 2));
    }

    @Test
    void withNoRouterRegisteredNothingWaitsForAcknowledgements() {
        World w = newInstanceRoutedButNotAcknowledged(0);

        assertThat(Brief.of(w.step())).containsExactly("retire v1-1", "route out v1-1", "start v2 on h2");
        w.advance(Duration.ofMillis(World.DRAIN_MS));
        assertThat(Brief.of(w.plan())).containsExactly("stop v1-1");
    }

    @ParameterizedTest(name = "routers ack every {0} step(s)")
    @ValueSource(ints = {1, 2, 3, 5})
    void laggingRoutersNeverSeeAStoppedInstanceNorFewerThanTheWantedCount(int ackEvery) {
        World w = World.running(3, "h1", "h2", "h3", "h4");
        w.routers = 3;
        w.ack();
        w.watchServing = true;
        w.deploy();

        for (int n = 1; n < 500 && !(w.plan().settled() && w.active == 2); n++) {
            Plan p = w.plan();
            w.applyAll(p); // the world asserts nothing is stopped or removed while a router may still use it
            w.finishStops();
            w.instances.values().stream().filter(i -> i.state() == org.dockerera.api.InstanceState.STARTING)
                    .map(ObservedInstance::id).toList().forEach(w::healthy);
            if (n % ackEvery == 0) {
                w.ack();
            }
            w.advance(Duration.ofMillis(500));
        }

        assertThat(w.active).isEqualTo(2);
        assertThat(w.of(1)).isEmpty();
        assertThat(w.lowWater).isGreaterThanOrEqualTo(3);
    }
}
