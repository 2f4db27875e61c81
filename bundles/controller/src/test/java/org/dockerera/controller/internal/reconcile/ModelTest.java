package org.dockerera.controller.internal.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.dockerera.api.InstanceState;
import org.dockerera.api.Release;
import org.dockerera.api.ReleaseStatus;
import org.dockerera.spi.scheduler.HostSnapshot;
import org.junit.jupiter.api.Test;

class ModelTest {

    @Test
    void rolloutDefaultsToOneAtATimeAndNeedsRoomForANewInstanceBeforeAnOldOneLeaves() {
        assertThat(Rollout.DEFAULT.batchSize()).isEqualTo(1);
        assertThat(Rollout.DEFAULT.maxSurge()).isEqualTo(1);
        assertThatThrownBy(() -> Rollout.of(1, 0)).hasMessageContaining("max surge must be 1 or more");
        assertThatThrownBy(() -> Rollout.of(0, 1)).hasMessageContaining("batch size must be 1 or more");
        assertThatThrownBy(() -> new Rollout(1, 1, Duration.ofMinutes(10), Duration.ofMinutes(5)))
                .hasMessageContaining("back-off");
    }

    @Test
    void withNoRouterRegisteredEveryEpochCountsAsAcknowledged() {
        assertThat(Routers.NONE.acknowledged(1_000_000)).isTrue();
        assertThat(new Routers(2, 7).acknowledged(7)).isTrue();
        assertThat(new Routers(2, 7).acknowledged(8)).isFalse();
    }

    @Test
    void observedStateListsEachInstanceAndHostOnce() {
        ObservedInstance i = ObservedInstance.of("a", 1, "h1", InstanceState.HEALTHY, World.T0);
        HostSnapshot h = HostSnapshot.of("h1", Map.of(), 1, 1);

        assertThatThrownBy(() -> Observed.of(List.of(i, i), List.of(h))).hasMessage("instance a is listed twice");
        assertThatThrownBy(() -> Observed.of(List.of(i), List.of(h, h))).hasMessage("host h1 is listed twice");
        assertThat(Observed.of(List.of(i), List.of(h)).routers()).isEqualTo(Routers.NONE);
    }

    @Test
    void drainingInstanceCountsAsLeavingEvenIfNotMarkedRetired() {
        assertThat(ObservedInstance.of("a", 1, "h1", InstanceState.DRAINING, World.T0).leaving()).isTrue();
        assertThat(ObservedInstance.of("a", 1, "h1", InstanceState.HEALTHY, World.T0).leaving()).isFalse();
    }

    @Test
    void targetIsRolledOutUntilItIsActiveOrGivenUp() {
        World w = World.running(1, "h1");
        Release v1 = w.releases.get(1);
        Release v2 = new Release(World.NAME, 2, "img", null, "e", "deploy", "t", World.T0, ReleaseStatus.DEPLOYING, null);
        Release v2failed = new Release(World.NAME, 2, "img", null, "e", "deploy", "t", World.T0, ReleaseStatus.FAILED, null);

        assertThat(Desired.of(w.app, v2, v1).rollingOut()).isTrue();
        assertThat(Desired.of(w.app, v2, null).rollingOut()).isTrue();
        assertThat(Desired.of(w.app, v1, v1).rollingOut()).isFalse();
        assertThat(Desired.of(w.app, v2failed, v1).rollingOut()).isFalse();
        assertThat(Desired.of(w.app, null, null).rollingOut()).isFalse();
        Release other = new Release("other.app", 3, "img", null, "e", "deploy", "t", World.T0, ReleaseStatus.PENDING, null);
        assertThatThrownBy(() -> Desired.of(w.app, other, v1)).hasMessageContaining("another app");
    }

    @Test
    void appWithoutAnyReleaseRunsNothing() {
        World w = World.web(2, "h1");
        w.strays.add(new StrayContainer("h1", "c-x", null));

        assertThat(Brief.of(w.plan())).containsExactly("remove orphan c-x on h1");
        assertThat(w.plan().progress()).isEqualTo(new Progress(null, 0, 0, 0, 0, 0));
    }
}
