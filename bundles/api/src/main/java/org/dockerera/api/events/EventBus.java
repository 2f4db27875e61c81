package org.dockerera.api.events;

import java.util.function.Consumer;

/**
 * Publishes events into the {@code dockerera} Camel context and lets in-process consumers (the SSE stream,
 * tests) subscribe. Routes consume every event from {@link #ENDPOINT}: the body is the event's JSON, header
 * {@link #TYPE_HEADER} its type.
 */
public interface EventBus {
    /** Camel endpoint every event is published to (publish-subscribe: every consumer gets each event). */
    String ENDPOINT = "seda:dockerera-events?multipleConsumers=true";
    /** Camel header holding the event type. */
    String TYPE_HEADER = "dockereraEventType";

    /** Never blocks on consumers. */
    void publish(Event event);

    /** Calls {@code listener} for every event published from now on until the returned handle is closed. */
    Subscription subscribe(Consumer<Event> listener);

    /** A subscription handle. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
