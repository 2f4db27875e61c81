package org.dockerera.plugins.internal;

/**
 * One implementation as observed: a registered service, a DS component of a plugin point that is not running, or a
 * bundle offering a plugin point that did not resolve or start.
 *
 * @param point     the plugin point
 * @param name      its name at the point
 * @param bundle    the bundle's symbolic name
 * @param version   its {@code Bundle-Version}
 * @param component the DS component name, or null (merges a failed component with its registered service)
 * @param health    {@code up}, {@code down: …} or {@code failed: …}
 * @param detail    endpoint, URL … or null
 */
record Found(Point point, String name, String bundle, String version, String component, String health,
             String detail) {
    boolean failed() {
        return health.startsWith("failed");
    }

    Found withHealth(String h) {
        return new Found(point, name, bundle, version, component, h, detail);
    }
}
