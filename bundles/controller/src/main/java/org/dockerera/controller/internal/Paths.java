package org.dockerera.controller.internal;

import org.osgi.framework.BundleContext;

/** Karaf's directories, from framework properties. */
public final class Paths {
    private Paths() {
    }

    public static String etc(BundleContext context) {
        return orDefault(context.getProperty("karaf.etc"), "etc");
    }

    public static String data(BundleContext context) {
        return orDefault(context.getProperty("karaf.data"), "data");
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
