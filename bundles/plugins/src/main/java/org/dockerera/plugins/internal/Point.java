package org.dockerera.plugins.internal;

import java.util.List;
import org.dockerera.api.PluginService;

/**
 * A plugin point: the service interface its implementations register (named, never loaded: route contributors are
 * Camel classes this bundle does not import) and the service property that names each implementation.
 *
 * @param point        the name in the listing
 * @param objectClass  the service interface
 * @param nameProperty the property naming an implementation ({@code component.name} when there is no better one)
 */
record Point(String point, String objectClass, String nameProperty) {
    static final String COMPONENT_NAME = "component.name";

    static final Point STORE = new Point(PluginService.STORE, "org.dockerera.spi.store.ConfigStore", "dockerera.store");
    static final Point PROVIDER = new Point(PluginService.PROVIDER, "org.dockerera.spi.provider.ContainerProvider",
            "dockerera.provider");
    static final Point STRATEGY = new Point(PluginService.STRATEGY, "org.dockerera.spi.scheduler.PlacementStrategy",
            "dockerera.strategy");
    static final Point ROUTER = new Point(PluginService.ROUTER, "org.dockerera.spi.router.RouterBackend",
            "dockerera.router");
    static final Point ROUTES = new Point(PluginService.ROUTES, "org.apache.camel.builder.RouteBuilder",
            COMPONENT_NAME);

    /** In listing order. */
    static final List<Point> ALL = List.of(STORE, PROVIDER, STRATEGY, ROUTER, ROUTES);

    /** The point whose interface is {@code objectClass}, or null. */
    static Point of(String objectClass) {
        return ALL.stream().filter(p -> p.objectClass.equals(objectClass)).findFirst().orElse(null);
    }
}
