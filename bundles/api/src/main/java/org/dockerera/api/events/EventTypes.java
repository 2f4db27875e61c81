package org.dockerera.api.events;

/** The event types published so far; docs/events.md lists each with its JSON shape. */
public final class EventTypes {
    public static final String HOST_ADDED = "host.added";
    public static final String HOST_REMOVED = "host.removed";
    public static final String HOST_UP = "host.up";
    public static final String HOST_DOWN = "host.down";
    public static final String CONTAINER_DIED = "container.died";

    private EventTypes() {
    }
}
