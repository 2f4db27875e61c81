package org.dockerera.controller.internal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.dockerera.api.InstanceState;
import org.dockerera.api.ReleaseStatus;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The reconciler keeps no state of its own: whatever part of a plan the executor managed before a crash, running it
 * again on what is observed finishes the job (or rolls it back), without repeating anything or breaking the rules.
 */
class CrashResumeTest {

    /** v1 with 3 instances serving behind 2 routers, v2 just deployed. */
    private static World rollingDeploy() {
        World w = World.running(3, "h1", "h2", "h3", "h4");
        w.routers = 2;
        w.ack();
        w.watchServing = true;
        w.deploy();
        return w;
    }

    private static void rolledOut(World w) {
        assertThat(w.plan().settled()).isTrue();
        assertThat(w.active).isEqualTo(2);
        assertThat(w.status(1)).isEqualTo(ReleaseStatus.SUPERSEDED);
        assertThat(w.of(1)).isEmpty();
        assertThat(w.of(2)).hasSize(3).allMatch(i -> i.state() == InstanceState.HEALTHY && i.routing().routed());
        assertThat(w.appliedOf(Action.StartInstance.class)).as("no instance started twice")
                .filteredOn(s -> s.release() == 2).hasSize(3);
        assertThat(w.lowWater).as("serving instances never below the wanted count").isGreaterThanOrEqualTo(3);
    }

    /** v1 with 2 instances on h1, h2 (h3 free); h1 just went down. */
    private static World hostLoss() {
        World w = World.running(2, "h1", "h2", "h3");
        w.hostDown("h1");
        return w;
    }

    private static void rescheduled(World w) {
        assertThat(w.instances.values()).filteredOn(i -> !i.leaving()).hasSize(2)
                .allMatch(i -> i.state() == InstanceState.HEALTHY && i.routing().routed() && !i.hostId().equals("h1"));
        assertThat(w.appliedOf(Action.Replace.class).size() + w.appliedOf(Action.StartInstance.class).size())
                .as("one replacement, plus the two first instances").isEqualTo(3);
    }

    /**
     * Like {@link World#converge()}, but the executor crashes after carrying out {@code prefix} actions of the
     * {@code crashAt}-th non-empty plan; the world goes on for {@code downtime} before the controller is back.
     * Answers how many actions each non-empty plan had.
     */
    private static List<Integer> drive(World w, int crashAt, int prefix, Duration downtime) {
        List<Integer> sizes = new ArrayList<>();
        for (int n = 0; n < 1000; n++) {
            Plan p = w.plan();
            if (!p.actions().isEmpty()) {
                sizes.add(p.actions().size());
                if (sizes.size() == crashAt) {
                    p.actions().subList(0, prefix).forEach(w::apply);
                    w.advance(downtime);
                } else {
                    w.applyAll(p);
                    Plan again = w.plan();
                    Set<String> repeated = new HashSet<>(Brief.of(again));
                    repeated.retainAll(Brief.of(p));
                    assertThat(repeated).as("planned again right after being carried out").isEmpty();
                }
                w.settle();
                continue;
            }
            if (w.settle()) {
                continue;
            }
            if (p.nextCheck() != null) {
                w.now = p.nextCheck();
                continue;
            }
            return sizes;
        }
        throw new AssertionError("did not converge");
    }

    private static Stream<DynamicTest> crashEverywhere(Supplier<World> scenario, Consumer<World> outcome,
                                                       Duration downtime) {
        List<Integer> sizes = drive(scenario.get(), 0, 0, Duration.ZERO);
        List<DynamicTest> tests = new ArrayList<>();
        for (int plan = 1; plan <= sizes.size(); plan++) {
            for (int done = 0; done < sizes.get(plan - 1); done++) {
                int crashAt = plan;
                int prefix = done;
                tests.add(DynamicTest.dynamicTest("crash after " + done + " of " + sizes.get(plan - 1) + " actions of plan "
                        + plan + ", down " + downtime, () -> {
                    World w = scenario.get();
                    drive(w, crashAt, prefix, downtime);
                    outcome.accept(w);
                }));
            }
        }
        assertThat(tests).isNotEmpty();
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> rollingDeployResumesAfterACrashAtEveryStep() {
        return crashEverywhere(CrashResumeTest::rollingDeploy, CrashResumeTest::rolledOut, Duration.ZERO);
    }

    @TestFactory
    Stream<DynamicTest> rollingDeployResumesAfterALongOutageAtEveryStep() {
        return crashEverywhere(CrashResumeTest::rollingDeploy, CrashResumeTest::rolledOut, Duration.ofMinutes(5));
    }

    @TestFactory
    Stream<DynamicTest> hostLossReplacementResumesAfterACrashAtEveryStep() {
        return Stream.concat(
                crashEverywhere(CrashResumeTest::hostLoss, CrashResumeTest::rescheduled, Duration.ZERO),
                crashEverywhere(() -> {
                    World w = hostLoss();
                    w.converge();
                    w.hostUp("h1");
                    return w;
                }, w -> {
                    rescheduled(w);
                    assertThat(w.on("h1")).isEmpty();
                }, Duration.ofSeconds(1)));
    }

    @Test
    void controllerBackAfterTheStartTimeoutRollsABrokenReleaseBack() {
        World w = World.running(2, "h1", "h2", "h3");
        w.watchServing = true;
        w.broken.add(2);
        w.deploy();
        w.applyAll(w.plan()); // v2-3 started, then the controller died
        w.advance(Duration.ofMinutes(2));

        Plan plan = w.plan();

        assertThat(Brief.of(plan)).containsExactly("failed v2", "retire v2-3", "stop v2-3");
        w.converge();
        assertThat(w.status(2)).isEqualTo(ReleaseStatus.FAILED);
        assertThat(w.of(2)).isEmpty();
        assertThat(w.routed()).containsExactly("v1-1", "v1-2");
        assertThat(w.lowWater).isGreaterThanOrEqualTo(2);
    }

    @Test
    void retirementWhoseRouteOutWasNeverPublishedIsFinished() {
        World w = World.running(2, "h1", "h2");
        w.scale(1);
        w.apply(w.plan().actions().get(0)); // retire v1-2; crash before the route table went out

        assertThat(Brief.of(w.plan())).containsExactly("route out v1-2");
    }

    @Test
    void samePlanForTheSameInputsAtEveryStepOfARollingDeploy() {
        World w = rollingDeploy();
        for (int n = 0; n < 200 && !w.plan().settled(); n++) {
            Desired d = w.desired();
            Observed o = w.observed();
            Plan first = w.reconciler.plan(d, o, w.now);
            Plan second = w.reconciler.plan(d, o, w.now);
            Plan fresh = new Reconciler(new RecordingScheduler()).plan(d, o, w.now);
            assertThat(second).isEqualTo(first);
            assertThat(fresh).isEqualTo(first);
            assertThat(w.observed()).as("inputs untouched").isEqualTo(o);
            w.applyAll(first);
            w.settle();
            if (first.actions().isEmpty() && first.nextCheck() != null) {
                w.now = first.nextCheck();
            }
        }
        rolledOut(w);
    }
}
