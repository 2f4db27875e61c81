package org.dockerera.controller.internal;

import java.time.Instant;
import java.util.Map;
import org.dockerera.api.Capacity;

/**
 * A host as stored under {@code hosts/<id>}: desired state only. {@code tls} is the sealed JSON of the client TLS
 * material (see {@link SecretBox}). {@code cordoned}: no new instances; {@code draining}: its instances move away.
 */
record HostRecord(String id, String url, Map<String, String> labels, String tls, Capacity capacity, Instant created,
                  boolean cordoned, boolean draining) {
    HostRecord {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    HostRecord(String id, String url, Map<String, String> labels, String tls, Capacity capacity, Instant created) {
        this(id, url, labels, tls, capacity, created, false, false);
    }

    HostRecord withSchedule(boolean cordon, boolean drain) {
        return new HostRecord(id, url, labels, tls, capacity, created, cordon || drain, drain);
    }
}
