package org.dockerera.spi.router;

import java.util.List;

/**
 * The whole route table at one epoch. Epochs grow by one at every change; a router serving epoch N serves exactly
 * this table.
 */
public record RouteTable(long epoch, List<Route> routes) {
    public static final RouteTable EMPTY = new RouteTable(0, List.of());

    public RouteTable {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be 0 or more");
        }
        routes = routes == null ? List.of() : List.copyOf(routes);
    }
}
