package org.dockerera.controller.internal;

import java.time.Instant;
import java.util.Map;
import org.dockerera.api.Capacity;

/**
 * A host as stored under {@code hosts/<id>}: desired state only. {@code tls} is the sealed JSON of the client TLS
 * material (see {@link SecretBox}).
 */
record HostRecord(String id, String url, Map<String, String> labels, String tls, Capacity capacity, Instant created) {
    HostRecord {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
