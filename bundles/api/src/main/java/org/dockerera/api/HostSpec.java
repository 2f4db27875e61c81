package org.dockerera.api;

import java.util.Map;

/**
 * What a user asks for when adding a host ({@code POST /api/hosts}).
 *
 * @param url      {@code unix:///path/docker.sock}, {@code tcp://host:port}
 * @param labels   placement labels ({@code env=prod})
 * @param tls      client TLS material (PEM); turns {@code tcp://} into a TLS connection
 * @param capacity optional override of the engine's CPUs/memory
 * @param force    add even when the host does not answer now
 */
public record HostSpec(String url, Map<String, String> labels, TlsMaterial tls, Capacity capacity, boolean force) {
    public HostSpec {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public static HostSpec of(String url) {
        return new HostSpec(url, Map.of(), null, null, false);
    }
}
