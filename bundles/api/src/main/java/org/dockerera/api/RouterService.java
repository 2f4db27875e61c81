package org.dockerera.api;

import java.util.List;

/**
 * The router fleet: routers register, acknowledge every epoch they serve (which renews their lease) and leave. The
 * deploy engine stops an instance taken out of routing only once every registered router acknowledged the epoch that
 * removed it, or its lease expired (the router is then {@code stale} and no longer waited for).
 */
public interface RouterService {

    /**
     * @throws DockereraException 422 {@code invalid-router} for an unknown type or a URL that is not
     *                            {@code http(s)://host:port} with a concrete host (never 0.0.0.0)
     */
    RouterLease register(RouterSpec spec);

    /**
     * Records that the router serves {@code epoch} (or later) and renews its lease.
     *
     * @throws DockereraException 404 {@code router-not-found} (re-register), 422 {@code invalid-epoch} for an epoch
     *                            not yet published
     */
    RouterLease ack(String id, long epoch);

    /**
     * Records the router's latest per-app counters (sent with its acknowledgements), served by {@link #stats}.
     *
     * @throws DockereraException 404 {@code router-not-found}
     */
    void report(String id, java.util.Map<String, org.dockerera.spi.router.RouterBackend.AppStats> stats);

    /** The router's latest per-app counters (empty before its first report). */
    java.util.Map<String, org.dockerera.spi.router.RouterBackend.AppStats> stats(String id);

    /** Unregisters; absent is not an error. */
    void leave(String id);

    List<RouterInfo> list();

    /** @throws DockereraException 404 {@code router-not-found} */
    RouterInfo get(String id);

    /**
     * @param type {@code builtin}, {@code haproxy}, {@code apache}
     * @param url  where traffic can be sent to the router
     */
    record RouterSpec(String type, String url) {
    }

    /** A registration: the router's id and how long its lease lasts without an ack. */
    record RouterLease(String id, long leaseMs) {
    }

    /**
     * A router as the fleet sees it.
     *
     * @param epoch    the last epoch it acknowledged
     * @param lagMs    how long ago the oldest epoch it has not acknowledged was published; 0 when up to date
     * @param status   {@code up}; {@code stale}: its lease expired (not waited for); {@code down}: stale for over
     *                 three leases
     * @param lastSeen its last registration or acknowledgement
     */
    record RouterInfo(String id, String type, String url, long epoch, long lagMs, String status,
                      java.time.Instant registered, java.time.Instant lastSeen) {
    }
}
