package org.dockerera.api;

import java.util.Map;

/** {@code GET /api/info}. */
public record Info(String version, StoreStatus store, String provider, Map<String, Integer> counts) {
}
