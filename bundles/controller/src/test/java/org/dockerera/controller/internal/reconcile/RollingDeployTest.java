package org.dockerera.controller.internal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.dockerera.api.InstanceState;
import org.dockerera.api.ReleaseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RollingDeployTest {

    @Test
    void firstDeployStartsEveryInstanceAtOnceOnDistinctHosts() {
        World w = World.web(3, "h1", "h2", "h3");
        w.deploy();

        Plan plan = w.plan();

        assertThat(Brief.of(plan)).containsExactly("start v1 on h1", "start v1 on h2", "start v1 on h3");
        assertThat(plan.actions(Action.StartInstance.class)).allSatisfy(s ->
                assertThat(s.reason()).isEqualTo("deploy release 1: instance " + (plan.actions().indexOf(s) + 1) + " of 3"));
        assertThat(w.scheduler.requests).singleElement().satisfies(r -> {
            assertThat(r.app()).isEqualTo(World.NAME);
            assertThat(r.instances()).isEqualTo(3);
        });
    }

    @Test
    void firstDeployRoutesInstancesOnlyOnceHealthyAndBecomesActiveWhenAllServe() {
        World w = World.web(2, "h1", "h2");
        w.routers = 1;
        w.deploy();
        w.step();
        String[] ids = w.ids(1).toArray(String[]::new);

        assertThat(Brief.of(w.plan())).as("nothing to do while starting").isEmpty();
        w.healthy(ids[0]);
        assertThat(Brief.of(w.step())).containsExactly("route in " + ids[0]);
        w.ack();
        assertThat(Brief.of(w.plan())).as("one of two serving is not enough").isEmpty();
        w.healthy(ids[1]);
        assertThat(Brief.of(w.step())).containsExactly("route in " + ids[1]);
        assertThat(Brief.of(w.plan())).as("routers have not applied the table yet").isEmpty();
        assertThat(w.plan().waits()).extracting(Wait::subject).containsExactly(ids[1]);
        w.ack();

        Plan plan = w.step();

        assertThat(Brief.of(plan)).containsExactly("active v1");
        assertThat(plan.actions(Action.MarkActive.class).get(0).supersedes()).isNull();
        assertThat(w.status(1)).isEqualTo(ReleaseStatus.ACTIVE);
        assertThat(w.plan().settled()).isTrue();
    }

    @Test
    void rollingDeployReplacesOneInstanceAtATimeStepByStep() {
        World w = World.running(2, "h1", "h2", "h3");
        w.routers = 1;
        w.ack();
        assertThat(w.ids(1)).containsExactly("v1-1", "v1-2");
        w.deploy();

        // 1. one new instance starts (surge 1); the old ones keep serving
        assertThat(Brief.of(w.step())).containsExactly("start v2 on h1");
        assertThat(w.plan().waits()).extracting(Wait::reason)
                .contains("1 more instance(s) of release 2 start once earlier ones serve (batch size 1, max surge 1)");
        // 2. nothing happens until it is healthy
        assertThat(w.plan().actions()).isEmpty();
        assertThat(w.plan().nextCheck()).isEqualTo(World.T0.plusMillis(World.START_TIMEOUT_MS));
        w.advance(Duration.ofSeconds(3));
        w.healthy("v2-3");
        // 3. healthy: routed in; the old ones stay routed
        assertThat(Brief.of(w.step())).containsExactly("route in v2-3");
        assertThat(w.routed()).containsExactly("v1-1", "v1-2", "v2-3");
        // 4. not before every router applied the new table does an old one leave
        assertThat(w.plan().actions()).isEmpty();
        w.ack();
        // 5. one old instance leaves routing, the next new one starts
        assertThat(Brief.of(w.step())).containsExactly("retire v1-1", "route out v1-1", "start v2 on h2");
        // 6. the old one waits for the routers, then for its drain timeout
        assertThat(w.plan().actions()).isEmpty();
        w.ack();
        Plan draining = w.plan();
        assertThat(draining.actions()).isEmpty();
        assertThat(draining.nextCheck()).isEqualTo(w.now.plusMillis(World.DRAIN_MS));
        w.advance(Duration.ofMillis(World.DRAIN_MS));
        // 7. drained: SIGTERM, then removal once it exited
        assertThat(Brief.of(w.step())).containsExactly("stop v1-1");
        w.finishStops();
        assertThat(Brief.of(w.step())).containsExactly("remove v1-1");
        // 8. the second new instance becomes healthy and serves; the release is active; the last old one leaves
        w.healthy("v2-4");
        assertThat(Brief.of(w.step())).containsExactly("route in v2-4");
        w.ack();
        Plan activation = w.step();
        assertThat(Brief.of(activation)).containsExactly("active v2", "retire v1-2", "route out v1-2");
        assertThat(activation.actions(Action.MarkActive.class).get(0).supersedes()).isEqualTo(1);
        assertThat(w.status(2)).isEqualTo(ReleaseStatus.ACTIVE);
        assertThat(w.status(1)).isEqualTo(ReleaseStatus.SUPERSEDED);
        w.ack();
        w.advance(Duration.ofMillis(World.DRAIN_MS));
        assertThat(Brief.of(w.step())).containsExactly("stop v1-2");
        w.finishStops();
        assertThat(Brief.of(w.step())).containsExactly("remove v1-2");
        assertThat(w.plan().settled()).isTrue();
        assertThat(w.ids(2)).containsExactly("v2-3", "v2-4");
        assertThat(w.routed()).containsExactly("v2-3", "v2-4");
    }

    @Test
    void oldInstanceLeavesRoutingOnlyAfterItsReplacementIsHealthy() {
        World w = World.running(2, "h1", "h2");
        w.deploy();
        w.step();

        w.advance(Duration.ofSeconds(30));

        assertThat(w.plan().actions()).as("v2 still starting").isEmpty();
        assertThat(w.routed()).containsExactly("v1-1", "v1-2");
    }

    @ParameterizedTest(name = "batch {0}, surge {1}: at most {2} new instances on the way")
    @CsvSource({"1,1,1", "2,2,2", "3,1,1", "1,3,1", "4,4,4", "2,3,2"})
    void batchSizeAndSurgeBoundHowManyNewInstancesAreOnTheWay(int batch, int surge, int inFlight) {
        World w = World.running(4, "h1", "h2", "h3", "h4");
        w.rollout = Rollout.of(batch, surge);
        w.deploy();

        Plan first = w.step();

        assertThat(first.actions(Action.StartInstance.class)).hasSize(inFlight);
        assertThat(w.plan().actions()).as("no more until those serve").isEmpty();
        assertThat(w.of(1)).as("no old instance leaves before a new one serves").allMatch(i -> !i.leaving());
    }

    @ParameterizedTest(name = "{0} instances, batch {1}, surge {2}, {3} router(s)")
    @CsvSource({"1,1,1,0", "2,1,1,1", "4,1,1,2", "4,2,2,1", "5,2,1,1", "4,4,4,0", "3,1,3,1"})
    void rolloutNeverLetsServingInstancesDropBelowTheWantedCount(int instances, int batch, int surge, int routers) {
        World w = World.running(instances, "h1", "h2", "h3");
        w.routers = routers;
        w.ack();
        w.rollout = Rollout.of(batch, surge);
        w.watchServing = true;
        w.deploy();

        Plan last = w.converge();

        assertThat(last.settled()).isTrue();
        assertThat(w.lowWater).isGreaterThanOrEqualTo(instances);
        assertThat(w.status(2)).isEqualTo(ReleaseStatus.ACTIVE);
        assertThat(w.of(1)).isEmpty();
        assertThat(w.of(2)).hasSize(instances).allMatch(i -> i.state() == InstanceState.HEALTHY);
        assertThat(w.routed()).containsExactlyElementsOf(w.ids(2));
        long routeIns = w.appliedOf(Action.StartInstance.class).stream().filter(s -> s.release() == 2).count();
        assertThat(routeIns).as("no instance started twice").isEqualTo(instances);
    }

    @Test
    void deployWithMoreInstancesGrowsWhileReplacing() {
        World w = World.running(2, "h1", "h2", "h3");
        w.scale(4);
        w.watchServing = true;
        w.deploy();

        w.converge();

        assertThat(w.lowWater).isGreaterThanOrEqualTo(2);
        assertThat(w.of(2)).hasSize(4);
        assertThat(w.of(1)).isEmpty();
    }

    @Test
    void deployWithFewerInstancesShrinksAtOnceThenReplaces() {
        World w = World.running(4, "h1", "h2", "h3", "h4");
        w.scale(2);
        w.deploy();

        Plan plan = w.plan();

        assertThat(Brief.of(plan)).containsExactly("retire v1-1", "retire v1-2", "route out v1-1,v1-2",
                "start v2 on h1");
        w.watchServing = true;
        w.converge();
        assertThat(w.lowWater).isGreaterThanOrEqualTo(2);
        assertThat(w.of(2)).hasSize(2);
    }

    @Test
    void aControllerThatStartedAfterTheInstancesGivesThemTheirWholeStartTimeoutFromItsOwnStart() {
        World w = World.running(2, "h1", "h2", "h3");
        w.broken.add(2);
        w.deploy();
        w.step();
        // the controller was down meanwhile: it begins observing 50 s after the new instance started
        w.advance(Duration.ofMillis(50_000));
        w.reconciler.observingSince(w.now);
        w.advance(Duration.ofMillis(World.START_TIMEOUT_MS - 1));
        assertThat(w.plan().actions()).as("its downtime does not count against the instance").isEmpty();
        w.advance(Duration.ofMillis(1));
        assertThat(Brief.of(w.step())).first().isEqualTo("failed v2");
    }

    @Test
    void newInstancesNotHealthyByTheStartTimeoutFailTheReleaseAndTheOldOneKeepsServing() {
        World w = World.running(2, "h1", "h2", "h3");
        w.broken.add(2);
        w.deploy();
        w.step();
        String v2 = w.ids(2).get(0);

        w.advance(Duration.ofMillis(World.START_TIMEOUT_MS - 1));
        assertThat(w.plan().actions()).as("not yet").isEmpty();
        w.advance(Duration.ofMillis(1));
        Plan plan = w.step();

        assertThat(Brief.of(plan)).containsExactly("failed v2", "retire " + v2, "stop " + v2);
        Action.MarkFailed failed = plan.actions(Action.MarkFailed.class).get(0);
        assertThat(failed.failedInstanceIds()).containsExactly(v2);
        assertThat(failed.reason()).isEqualTo("release 2 failed: " + v2 + " on h1 was not healthy within 60s of its start"
                + " (starting since " + World.T0 + ")");
        assertThat(plan.actions(Action.Retire.class).get(0).reason())
                .isEqualTo("release 2 failed; release 1 keeps serving; " + v2 + " is starting and not routed");
        assertThat(w.status(2)).isEqualTo(ReleaseStatus.FAILED);
        assertThat(w.status(1)).isEqualTo(ReleaseStatus.ACTIVE);
        w.converge();
        assertThat(w.of(2)).isEmpty();
        assertThat(w.ids(1)).containsExactly("v1-1", "v1-2");
        assertThat(w.routed()).containsExactly("v1-1", "v1-2");
        assertThat(w.appliedOf(Action.Stop.class)).extracting(Action.Stop::instanceId).containsExactly(v2);
    }

    @Test
    void failureDeadlineCountsFromEachInstanceCreationNotFromItsLastRestart() {
        World w = World.running(1, "h1", "h2");
        w.deploy();
        w.step();
        w.advance(Duration.ofSeconds(50));
        w.crash("v2-2", 1);
        w.advance(Duration.ofSeconds(1));
        assertThat(Brief.of(w.step())).containsExactly("restart v2-2 #1");

        w.advance(Duration.ofSeconds(9));

        assertThat(Brief.of(w.plan())).startsWith("failed v2");
    }

    @Test
    void newInstanceExitingForGoodFailsTheReleaseAtOnce() {
        World w = World.running(2, "h1", "h2");
        w.restartPolicy("no");
        w.deploy();
        w.step();
        w.crash("v2-3", 2);

        Plan plan = w.plan();

        assertThat(Brief.of(plan)).containsExactly("failed v2", "retire v2-3", "remove v2-3");
        assertThat(plan.actions(Action.MarkFailed.class).get(0).reason())
                .isEqualTo("release 2 failed: v2-3 exited with code 2 and restart policy 'no' does not restart it");
    }

    @Test
    void releaseFailingMidwayRestoresTheOldReleaseBeforeDrainingTheNewInstances() {
        World w = World.running(2, "h1", "h2", "h3");
        w.watchServing = true;
        w.deploy();
        w.step();
        w.healthy("v2-3");
        w.step();
        w.step(); // v1-1 retired and routed out, v2-4 starting
        assertThat(w.get("v1-1").leaving()).isTrue();
        w.advance(Duration.ofMillis(World.DRAIN_MS));
        w.step();
        w.finishStops();
        w.step(); // v1-1 removed
        assertThat(w.ids(1)).containsExactly("v1-2");
        assertThat(w.routed()).containsExactly("v1-2", "v2-3");

        w.advance(Duration.ofMillis(World.START_TIMEOUT_MS)); // v2-4 never became healthy
        Plan plan = w.step();

        assertThat(Brief.of(plan)).containsExactly("failed v2", "retire v2-4", "stop v2-4", "start v1 on h1");
        assertThat(w.get("v2-3").leaving()).as("v2-3 serves until a v1 instance replaces it").isFalse();
        w.converge();
        assertThat(w.status(2)).isEqualTo(ReleaseStatus.FAILED);
        assertThat(w.of(2)).isEmpty();
        assertThat(w.of(1)).hasSize(2);
        assertThat(w.routed()).containsExactlyElementsOf(w.ids(1));
        assertThat(w.lowWater).isGreaterThanOrEqualTo(2);
    }

    @Test
    void failedFirstDeployLeavesNothingRunning() {
        World w = World.web(2, "h1", "h2");
        w.broken.add(1);
        w.deploy();
        w.step();
        w.advance(Duration.ofMillis(World.START_TIMEOUT_MS));

        Plan plan = w.step();

        assertThat(Brief.of(plan)).containsExactly("failed v1", "retire v1-1", "retire v1-2", "stop v1-1", "stop v1-2");
        assertThat(plan.actions(Action.Retire.class).get(0).reason())
                .isEqualTo("release 1 failed; no earlier release to run; v1-1 is starting and not routed");
        w.converge();
        assertThat(w.instances).isEmpty();
        assertThat(w.active).isNull();
    }

    @Test
    void givenUpReleaseIsNotFailedAgain() {
        World w = World.running(1, "h1");
        w.broken.add(2);
        w.deploy();
        w.converge();
        assertThat(w.status(2)).isEqualTo(ReleaseStatus.FAILED);

        w.advance(Duration.ofHours(1));

        assertThat(w.plan().settled()).isTrue();
        assertThat(w.appliedOf(Action.MarkFailed.class)).hasSize(1);
    }

    @Test
    void rollbackIsANewReleaseRolledOutTheSameWay() {
        World w = World.running(2, "h1", "h2");
        w.deploy();
        w.converge();
        assertThat(w.active).isEqualTo(2);

        w.watchServing = true;
        int rollback = w.deploy(); // a new release reusing release 1's image and env
        Plan first = w.plan();
        w.converge();

        assertThat(rollback).isEqualTo(3);
        assertThat(Brief.of(first)).containsExactly("start v3 on h1");
        assertThat(first.actions(Action.StartInstance.class).get(0).reason())
                .isEqualTo("roll out release 3 in place of release 2: instance 1 of 2");
        assertThat(w.active).isEqualTo(3);
        assertThat(w.status(2)).isEqualTo(ReleaseStatus.SUPERSEDED);
        assertThat(w.of(3)).hasSize(2);
        assertThat(w.of(2)).isEmpty();
        assertThat(w.lowWater).isGreaterThanOrEqualTo(2);
    }

    @Test
    void rollbackAfterAFailedReleaseReplacesTheActiveOne() {
        World w = World.running(2, "h1", "h2");
        w.broken.add(2);
        w.deploy();
        w.converge();
        assertThat(w.status(2)).isEqualTo(ReleaseStatus.FAILED);

        w.deploy();
        w.converge();

        assertThat(w.active).isEqualTo(3);
        assertThat(w.status(1)).isEqualTo(ReleaseStatus.SUPERSEDED);
        assertThat(w.instances.values()).allMatch(i -> i.release() == 3);
    }

    @Test
    void releaseWithZeroInstancesIsActiveAtOnce() {
        World w = World.running(2, "h1", "h2");
        w.scale(0);
        w.deploy();

        Plan plan = w.plan();

        assertThat(Brief.of(plan)).containsExactly("active v2", "retire v1-1", "retire v1-2", "route out v1-1,v1-2");
        assertThat(plan.actions(Action.MarkActive.class).get(0).reason()).isEqualTo("release 2 wants no instances");
    }

    @Test
    void instancesOfAnAbandonedReleaseLeaveBeforeThoseOfTheActiveOne() {
        World w = World.running(2, "h1", "h2", "h3");
        w.rollout = Rollout.of(2, 2);
        w.deploy(); // v2, interrupted half-way by v3
        w.step();
        w.settle();
        w.step(); // v2-3, v2-4 routed in
        assertThat(w.routed()).containsExactly("v1-1", "v1-2", "v2-3", "v2-4");
        w.deploy();
        w.watchServing = true;

        Plan plan = w.step();

        assertThat(Brief.of(plan)).as("2 wanted, 4 serve: the 2 of abandoned release 2 go first")
                .containsExactly("retire v2-3", "retire v2-4", "route out v2-3,v2-4", "start v3 on h1",
                        "start v3 on h2");
        assertThat(plan.actions(Action.Retire.class).get(0).reason())
                .isEqualTo("release 2 is replaced by release 3: 0 of 2 instance(s) of release 3 serve");
        w.settle();
        w.step(); // v3 routed in
        assertThat(Brief.of(w.plan())).containsExactly("active v3", "retire v1-1", "retire v1-2",
                "route out v1-1,v1-2");
        w.converge();
        assertThat(w.instances.values()).allMatch(i -> i.release() == 3);
        assertThat(w.lowWater).isGreaterThanOrEqualTo(2);
    }

    @Test
    void workersAreNeverRoutedAndLeaveWithoutDrain() {
        World w = new World(World.app(2, org.dockerera.api.ProcessType.WORKER, "on-failure", null), "h1", "h2");
        w.routers = 1;
        w.deploy();
        w.converge();
        assertThat(w.routed()).isEmpty();
        assertThat(w.active).isEqualTo(1);
        w.deploy();

        w.step();
        w.settle();
        Plan plan = w.plan();

        assertThat(Brief.of(plan)).containsExactly("retire v1-1", "stop v1-1", "start v2 on h2");
        w.converge();
        assertThat(w.appliedOf(Action.RouteIn.class)).isEmpty();
        assertThat(w.of(2)).hasSize(2);
    }
}
