package org.dockerera.controller.internal;

import org.dockerera.api.LeadershipService;

/** The one standby check of the services that change state outside the engine (hosts, tokens, registries). */
final class Standby {
    private Standby() {
    }

    /**
     * Refuses a change on a standby controller, naming the active one; acts when no lease service is bound (the
     * services constructed without OSGi in tests).
     */
    static void refuse(LeadershipService leadership) {
        if (leadership != null) {
            leadership.requireActive();
        }
    }
}
