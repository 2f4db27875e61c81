package org.dockerera.api;

import org.dockerera.spi.router.RouteTable;

/**
 * The route table: for every {@code web} app, its host name(s) and the published addresses of its instances in
 * routing. Versioned by an epoch that grows at every change; stored in the config store and published to
 * subscribers (the SSE feed {@code GET /api/routes/stream}, in-process routers) on every change.
 */
public interface RouteService {

    /** The current table. */
    RouteTable table();

    /**
     * Calls {@code listener} with the current table at once, then with every newer table, until closed. Listeners
     * are called in epoch order, one at a time, and must return quickly.
     */
    Subscription subscribe(java.util.function.Consumer<RouteTable> listener);

    /** A subscription handle. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
