package org.dockerera.controller.internal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.dockerera.api.InstanceState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RestartTest {

    @Test
    void crashedInstanceIsRoutedOutAtOnceAndRestartedAfterItsBackOff() {
        World w = World.running(2, "h1", "h2");
        w.advance(Duration.ofMinutes(1));
        w.crash("v1-1", 137);

        Plan plan = w.step();

        assertThat(Brief.of(plan)).containsExactly("route out v1-1");
        assertThat(plan.nextCheck()).isEqualTo(w.now.plusSeconds(1));
        assertThat(plan.waits()).singleElement().satisfies(wait -> assertThat(wait.reason())
                .isEqualTo("exited with code 137; restart 1 at " + w.now.plusSeconds(1) + " (back-off 1s)"));
        assertThat(w.get("v1-1").leaving()).as("a crash is not a retirement").isFalse();
        w.advance(Duration.ofSeconds(1));
        Plan restart = w.step();
        assertThat(Brief.of(restart)).containsExactly("restart v1-1 #1");
        assertThat(restart.actions().get(0).reason()).isEqualTo("v1-1 exited with code 137; restart 1 after a back-off of 1s");
        w.healthy("v1-1");
        assertThat(Brief.of(w.step())).containsExactly("route in v1-1");
        assertThat(w.instances).hasSize(2);
    }

    @Test
    void backOffDoublesWithEveryRestartUpToItsMaximum() {
        World w = World.running(1, "h1");
        w.restartPolicy("always");
        w.crash("v1-1", 1);
        w.instances.put("v1-1", w.get("v1-1").withRestarts(3));

        assertThat(w.plan().nextCheck()).isEqualTo(w.now.plusSeconds(8));
        w.instances.put("v1-1", w.get("v1-1").withRestarts(20));
        assertThat(w.plan().nextCheck()).isEqualTo(w.now.plus(Duration.ofMinutes(5)));
        assertThat(Rollout.DEFAULT.backoff(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Rollout.DEFAULT.backoff(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Rollout.DEFAULT.backoff(8)).isEqualTo(Duration.ofSeconds(256));
        assertThat(Rollout.DEFAULT.backoff(9)).isEqualTo(Duration.ofMinutes(5));
        assertThat(Rollout.DEFAULT.backoff(1000)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void crashLoopIsRestartedAtEverGrowingIntervals() {
        World w = World.running(1, "h1");
        Duration expected = Duration.ofSeconds(1);
        for (int attempt = 1; attempt <= 5; attempt++) {
            w.crash("v1-1", 1);
            Plan waiting = w.step();
            assertThat(waiting.nextCheck()).isEqualTo(w.now.plus(expected));
            w.now = waiting.nextCheck();
            assertThat(Brief.of(w.step())).containsExactly("restart v1-1 #" + attempt);
            expected = expected.multipliedBy(2);
        }
    }

    @ParameterizedTest(name = "policy {0}, exit {1}: restarted {2}")
    @CsvSource({"no,1,false", "no,0,false", "on-failure,1,true", "on-failure,0,false", "always,0,true",
            "unless-stopped,0,true", "always,1,true"})
    void restartPolicyDecidesWhetherAnExitedInstanceComesBack(String policy, int exitCode, boolean restarted) {
        World w = World.running(1, "h1");
        w.restartPolicy(policy);
        w.crash("v1-1", exitCode);
        w.advance(Duration.ofMinutes(10));

        Plan plan = w.plan();

        assertThat(plan.actions(Action.Restart.class)).hasSize(restarted ? 1 : 0);
        assertThat(plan.actions(Action.StartInstance.class)).as("the stopped instance keeps its slot").isEmpty();
        if (!restarted) {
            assertThat(plan.notes()).containsExactly("v1-1 exited with code " + exitCode + "; restart policy '" + policy
                    + "' leaves it stopped (restart the app to replace it)");
        }
    }

    @Test
    void unhealthyInstanceLeavesRoutingAndComesBackWhenHealthyWithoutBeingReplaced() {
        World w = World.running(2, "h1", "h2");
        w.unhealthy("v1-2");

        assertThat(Brief.of(w.step())).containsExactly("route out v1-2");
        assertThat(w.plan().actions()).isEmpty();
        w.healthy("v1-2");
        assertThat(Brief.of(w.step())).containsExactly("route in v1-2");
        assertThat(w.appliedOf(Action.StartInstance.class)).hasSize(2);
    }

    @Test
    void oldReleaseInstanceThatCrashesDuringARolloutIsNotRestartedButLeaves() {
        World w = World.running(2, "h1", "h2");
        w.deploy();
        w.step();
        w.crash("v1-1", 1);

        Plan plan = w.plan();

        assertThat(Brief.of(plan)).as("no second v2 yet: batch size 1 and v2-3 is on the way")
                .containsExactly("retire v1-1", "route out v1-1");
        assertThat(plan.actions(Action.Retire.class).get(0).reason())
                .isEqualTo("release 1 is replaced by release 2; v1-1 is stopped");
        w.applyAll(plan);
        assertThat(Brief.of(w.plan())).containsExactly("remove v1-1");
    }

    @Test
    void stopThatDoesNotFinishIsSentAgainAfterTheStopTimeout() {
        World w = World.running(2, "h1", "h2");
        w.scale(1);
        w.step();
        w.advance(Duration.ofMillis(World.DRAIN_MS));
        assertThat(Brief.of(w.step())).containsExactly("stop v1-2");

        Plan stopping = w.plan();
        assertThat(stopping.actions()).isEmpty();
        assertThat(stopping.nextCheck()).isEqualTo(w.now.plusMillis(World.STOP_MS).plus(Reconciler.STOP_GRACE));
        w.now = stopping.nextCheck();

        Plan again = w.plan();
        assertThat(Brief.of(again)).containsExactly("stop v1-2");
        assertThat(again.actions().get(0).reason()).startsWith("the stop sent to v1-2 at ");
    }

    @Test
    void interruptedStartReportedStoppedIsStartedAgain() {
        World w = World.running(1, "h1");
        w.scale(2);
        w.step();
        // the executor crashed after recording v1-2 but before its container existed
        w.instances.put("v1-2", new ObservedInstance("v1-2", 1, "h1", null,
                InstanceState.STOPPED, w.now, w.now, null, false, null, null, 0, null, null));
        w.advance(Duration.ofSeconds(1));

        assertThat(Brief.of(w.plan())).containsExactly("restart v1-2 #1");
    }
}
