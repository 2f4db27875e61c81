package org.dockerera.controller.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.dockerera.api.HostStatus;
import org.junit.jupiter.api.Test;

class HostHealthTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration DOWN_AFTER = Duration.ofSeconds(6);

    @Test
    void upWhileTheLastHeartbeatIsYoungerThanTheWindow() {
        assertThat(HostHealth.evaluate(T0, 0, T0.plusSeconds(6), DOWN_AFTER, 3)).isEqualTo(HostStatus.UP);
    }

    @Test
    void downOnceTheWindowPassesWithoutAHeartbeat() {
        assertThat(HostHealth.evaluate(T0, 1, T0.plusMillis(6001), DOWN_AFTER, 3)).isEqualTo(HostStatus.DOWN);
    }

    @Test
    void downAfterConsecutiveFailuresEvenInsideTheWindow() {
        assertThat(HostHealth.evaluate(T0, 3, T0.plusSeconds(1), DOWN_AFTER, 3)).isEqualTo(HostStatus.DOWN);
        assertThat(HostHealth.evaluate(T0, 2, T0.plusSeconds(1), DOWN_AFTER, 3)).isEqualTo(HostStatus.UP);
    }

    @Test
    void neverSeenIsDown() {
        assertThat(HostHealth.evaluate(null, 0, T0, DOWN_AFTER, 3)).isEqualTo(HostStatus.DOWN);
    }
}
