package org.dockerera.api;

import java.util.List;

/**
 * What is plugged into dockerera now: for every plugin point (config store, container provider, placement strategy,
 * router backend, Camel route contributor) the implementations installed, which bundle and version each comes from,
 * whether it is the one in use and its health. A plugin that failed (its bundle does not resolve or start, or its
 * component failed to activate or misses a reference) is listed with health {@code failed: REASON}; it never hides
 * the others.
 */
public interface PluginService {
    /** Plugin point names, in the order {@link #points()} lists them. */
    String STORE = "store";
    String PROVIDER = "provider";
    String STRATEGY = "strategy";
    String ROUTER = "router";
    String ROUTES = "routes";

    /** Every plugin point, each with its implementations sorted by name; never throws. */
    List<PluginPoint> points();
}
