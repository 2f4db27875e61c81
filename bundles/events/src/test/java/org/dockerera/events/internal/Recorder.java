package org.dockerera.events.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.builder.RouteBuilder;
import org.dockerera.api.events.EventBus;

/** A contributed route (as another bundle would register) that records what it receives from the event endpoint. */
final class Recorder extends RouteBuilder {
    record Received(String body, String type) {
    }

    private final String routeId;
    private final String from;
    final List<Received> received = new CopyOnWriteArrayList<>();

    Recorder(String routeId) {
        this(routeId, EventBus.ENDPOINT);
    }

    Recorder(String routeId, String from) {
        this.routeId = routeId;
        this.from = from;
    }

    @Override
    public void configure() {
        from(from).routeId(routeId).process(exchange -> received.add(new Received(
                exchange.getMessage().getBody(String.class),
                exchange.getMessage().getHeader(EventBus.TYPE_HEADER, String.class))));
    }

    List<String> types() {
        return received.stream().map(Received::type).toList();
    }
}
