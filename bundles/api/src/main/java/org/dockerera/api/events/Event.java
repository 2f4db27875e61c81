package org.dockerera.api.events;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened, as carried on the Camel context and streamed on {@code GET /api/events}.
 * Types are dotted lower-case ({@code host.down}); see docs/events.md for the catalogue. Fields that do not apply
 * are null.
 *
 * @param instance the instance it concerns, for {@code instance.*} events
 */
public record Event(String type, Instant time, String app, String hostId, Integer release, String deployId,
                    String message, String instance) {
    public Event {
        Objects.requireNonNull(type, "type");
        time = time == null ? Instant.now() : time;
    }

    /** An event about an app, instance or host, without instance. */
    public Event(String type, Instant time, String app, String hostId, Integer release, String deployId,
                 String message) {
        this(type, time, app, hostId, release, deployId, message, null);
    }

    public static Event of(String type, String message) {
        return new Event(type, Instant.now(), null, null, null, null, message, null);
    }

    public static Event host(String type, String hostId, String message) {
        return new Event(type, Instant.now(), null, hostId, null, null, message, null);
    }
}
