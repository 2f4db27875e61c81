package org.dockerera.spi.provider;

import java.time.Instant;
import java.util.Map;

/**
 * A container event from a host's event stream.
 *
 * @param containerId the container
 * @param action      {@code start}, {@code die}, {@code stop}, {@code kill}, {@code destroy} …
 * @param attributes  the event's attributes (labels, exitCode, name …)
 * @param time        when it happened
 */
public record ContainerEvent(String containerId, String action, Map<String, String> attributes, Instant time) {
    public ContainerEvent {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
