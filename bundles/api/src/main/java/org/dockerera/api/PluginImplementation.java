package org.dockerera.api;

/**
 * One implementation of a plugin point.
 *
 * @param name    its name at the point ({@code embedded}, {@code docker}, {@code spread}, {@code builtin}, a route
 *                contributor's component name …)
 * @param bundle  the symbolic name of the bundle it comes from
 * @param version that bundle's {@code Bundle-Version}
 * @param active  whether dockerera uses it now: the store the facade forwards to, the strategy
 *                {@code etc/org.dockerera.scheduler.cfg} names; providers, router backends and route contributors
 *                whenever they are registered and running
 * @param health  {@code up}, {@code down: REASON} or {@code failed: REASON} (did not resolve, start or activate)
 * @param detail  what else is worth knowing (an endpoint, a URL, the component name), or null
 */
public record PluginImplementation(String name, String bundle, String version, boolean active, String health,
                                   String detail) {
    /** Whether {@link #health} is {@code up}. */
    public boolean up() {
        return "up".equals(health);
    }

    /** Whether the implementation failed to resolve, start or activate. */
    public boolean failed() {
        return health != null && health.startsWith("failed");
    }
}
