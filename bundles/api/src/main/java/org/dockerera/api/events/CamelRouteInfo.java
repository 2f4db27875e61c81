package org.dockerera.api.events;

/**
 * One route of the {@code dockerera} Camel context, as {@code dockerera:camel-route-list} and
 * {@code GET /api/camel/routes} show it.
 *
 * @param id       the route id
 * @param source   where it comes from: {@code bundle <symbolic name>} for routes a bundle contributes (the event
 *                 bus's own routes: {@code bundle dockerera-events}), {@code file <name>} for an operator's route
 *                 file in the routes directory
 * @param state    Camel's status of the route: {@code Started}, {@code Stopped}, {@code Suspended} …
 * @param endpoint the URI the route consumes from (passwords masked)
 */
public record CamelRouteInfo(String id, String source, String state, String endpoint) {
}
