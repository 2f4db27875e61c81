package org.dockerera.controller.internal.reconcile;

import java.time.Instant;
import java.util.Objects;

/**
 * Something a plan is waiting for before it can go on.
 *
 * @param subject an instance id, a host id or the app name
 * @param reason  what is awaited, in words
 * @param until   when the reconciler should run again for it (a deadline, a drain end, a back-off); null when it
 *                waits for an event (a health change, a router acknowledgement, a host coming back)
 */
public record Wait(String subject, String reason, Instant until) {
    public Wait {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return subject + ": " + reason + (until != null ? " (until " + until + ")" : "");
    }
}
