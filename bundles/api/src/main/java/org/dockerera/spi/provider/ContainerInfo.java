package org.dockerera.spi.provider;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A container as listed by its host.
 *
 * @param id      container id
 * @param name    name without the leading slash
 * @param image   image reference
 * @param state   {@code created}, {@code running}, {@code exited} …
 * @param labels  labels
 * @param ports   published ports
 * @param created  creation time
 * @param exitCode exit code of an exited container, null when running or unknown
 */
public record ContainerInfo(String id, String name, String image, String state, Map<String, String> labels,
                            List<PortMapping> ports, Instant created, Integer exitCode) {
    public ContainerInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** A container with no known exit code. */
    public ContainerInfo(String id, String name, String image, String state, Map<String, String> labels,
                         List<PortMapping> ports, Instant created) {
        this(id, name, image, state, labels, ports, created, null);
    }

    public boolean running() {
        return "running".equals(state);
    }
}
