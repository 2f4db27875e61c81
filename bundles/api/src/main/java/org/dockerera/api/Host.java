package org.dockerera.api;

import java.time.Instant;
import java.util.Map;

/**
 * A Docker host as the API shows it: its stored definition merged with the monitor's live view.
 *
 * @param id          opaque id
 * @param url         connection URL
 * @param status      {@code up} or {@code down}
 * @param labels      placement labels
 * @param engineId    the engine's own id (from {@code /info}), null until first seen
 * @param name        the engine's host name
 * @param version     the engine's version
 * @param cpus        CPUs (the capacity override when set)
 * @param memoryBytes memory in bytes (the capacity override when set)
 * @param containers  running containers
 * @param lastSeen    last successful heartbeat
 * @param tls         whether the connection uses client TLS
 * @param capacity    the override, if any
 * @param error       why the host is down, if it is
 * @param schedulable false when cordoned: no new instances are placed there
 * @param draining    its instances are being moved elsewhere (implies not schedulable)
 */
public record Host(String id, String url, HostStatus status, Map<String, String> labels, String engineId, String name,
                   String version, double cpus, long memoryBytes, int containers, Instant lastSeen, boolean tls,
                   Capacity capacity, String error, boolean schedulable, boolean draining) {
}
