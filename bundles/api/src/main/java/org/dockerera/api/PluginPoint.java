package org.dockerera.api;

import java.util.List;

/**
 * One plugin point and what implements it now.
 *
 * @param point           {@code store}, {@code provider}, {@code strategy}, {@code router} or {@code routes}
 * @param implementations the installed implementations, sorted by name (empty when there is none)
 */
public record PluginPoint(String point, List<PluginImplementation> implementations) {
    public PluginPoint {
        implementations = List.copyOf(implementations);
    }
}
