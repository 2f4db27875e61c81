package org.dockerera.api.events;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened, as carried on the Camel context and streamed on {@code GET /api/events}.
 * Types are dotted lower-case ({@code host.down}); see docs/events.md for the catalogue.
 */
public record Event(String type, Instant time, String app, String hostId, Integer release, String deployId,
                    String message) {
    public Event {
        Objects.requireNonNull(type, "type");
        time = time == null ? Instant.now() : time;
    }

    public static Event of(String type, String message) {
        return new Event(type, Instant.now(), null, null, null, null, message);
    }

    public static Event host(String type, String hostId, String message) {
        return new Event(type, Instant.now(), null, hostId, null, null, message);
    }
}
