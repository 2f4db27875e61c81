package org.dockerera.api;

import java.time.Instant;

/**
 * Which controller acts. Controllers sharing one store elect one of them through a lease kept in the store: the
 * holder runs deploys, host bookkeeping and route publishing; the others are standby (they serve reads and the
 * routers' feed, and refuse changes with the problem {@code /problems/standby}, naming the active one).
 *
 * @param role       {@code active} or {@code standby}
 * @param id         this controller's id (one per process start)
 * @param url        this controller's advertised URL
 * @param activeId   the controller holding the lease, null when nobody holds it
 * @param activeUrl  that controller's advertised URL, null when nobody holds it
 * @param term       incremented at every change of holder (0 before the first)
 * @param since      when this controller last changed role
 * @param leaseMillis how long a lease lasts without renewal; a standby takes over after that
 */
public record Leadership(String role, String id, String url, String activeId, String activeUrl, long term,
                         Instant since, long leaseMillis) {
    public static final String ACTIVE = "active";
    public static final String STANDBY = "standby";

    public boolean active() {
        return ACTIVE.equals(role);
    }

    /** The one-line reason a standby gives when it refuses a change. */
    public String standbyDetail() {
        return "this controller (" + id + " at " + url + ") is standby; "
                + (activeId == null ? "no controller holds the lease at the moment (one takes over within "
                + leaseMillis + " ms): retry shortly"
                : "the active controller is " + activeId + " at " + activeUrl + ": send changes there");
    }
}
