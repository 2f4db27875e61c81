package org.dockerera.controller.internal;

import java.time.Duration;
import java.time.Instant;
import org.dockerera.api.HostStatus;

/**
 * The host monitor's rule, kept pure: a host is up while its last successful heartbeat is younger than
 * {@code downAfter} and the last {@code maxFailures} heartbeats did not all fail.
 */
final class HostHealth {
    private HostHealth() {
    }

    static HostStatus evaluate(Instant lastSuccess, int consecutiveFailures, Instant now, Duration downAfter,
                               int maxFailures) {
        if (lastSuccess == null) {
            return HostStatus.DOWN;
        }
        if (consecutiveFailures >= maxFailures) {
            return HostStatus.DOWN;
        }
        return Duration.between(lastSuccess, now).compareTo(downAfter) > 0 ? HostStatus.DOWN : HostStatus.UP;
    }
}
