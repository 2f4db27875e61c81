package org.dockerera.api;

import java.util.Map;

/** {@code GET /api/info}. */
public record Info(String version, StoreStatus store, String provider, Map<String, Integer> counts,
                   Leadership controller) {
    public Info(String version, StoreStatus store, String provider, Map<String, Integer> counts) {
        this(version, store, provider, counts, null);
    }
}
