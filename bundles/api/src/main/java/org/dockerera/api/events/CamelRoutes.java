package org.dockerera.api.events;

import java.util.List;

/**
 * The routes of the {@code dockerera} Camel context and the operator's route files: what runs, where it comes from,
 * and which files failed and why. A service of the events bundle.
 */
public interface CamelRoutes {
    /** Every route of the context, sorted by source and id. */
    List<CamelRouteInfo> routes();

    /** Every route file seen in the routes directory, loaded or failed, sorted by name. */
    List<RouteFileStatus> files();

    /** The directory route files are read from (absolute), or null when route files are off. */
    String directory();
}
