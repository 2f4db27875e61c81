package org.dockerera.router.agent.internal;

import java.util.function.Consumer;
import org.dockerera.spi.router.RouteTable;

/** How a router reaches the controller's fleet protocol: in-process services, or REST + SSE. */
interface Fleet {

    /** Registers a router; answers its id and lease. */
    Lease register(String type, String url);

    /**
     * Acknowledges {@code epoch} (renews the lease), with the backend's counters.
     *
     * @throws NotRegistered when the controller no longer knows the router (register again)
     */
    Lease ack(String id, long epoch, java.util.Map<String, org.dockerera.spi.router.RouterBackend.AppStats> stats);

    void leave(String id);

    /**
     * Follows the route table: the current one, then every newer one, until closed. {@code onBroken} is called once
     * when the feed breaks (the caller follows again).
     */
    AutoCloseable follow(long lastEpoch, Consumer<RouteTable> onTable, Consumer<Throwable> onBroken);

    /**
     * The certificate and key of a TLS route's host name.
     *
     * @throws RuntimeException when the controller has none or cannot be reached
     */
    org.dockerera.spi.router.TlsCertificate certificate(String host);

    /** A registration. */
    record Lease(String id, long leaseMs) {
    }

    /** The controller does not know this router (any more). */
    final class NotRegistered extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotRegistered(String id) {
            super("router " + id + " is not registered");
        }
    }
}
