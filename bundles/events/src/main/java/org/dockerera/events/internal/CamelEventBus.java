package org.dockerera.events.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.dockerera.api.events.Event;
import org.dockerera.api.events.EventBus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventBus} on the dockerera Camel context.
 *
 * <pre>
 * publish(event) ── JSON ──▶ seda:dockerera-publish (bounded; full ⇒ drop + count, caller never waits)
 *   route dockerera-events-publish, one event at a time, in publish order:
 *     ├─▶ seda:dockerera-events?multipleConsumers=true  (EventBus.ENDPOINT)
 *     │     ├─ route dockerera-events-tap (always there: TRACE log; keeps the queue drained)
 *     │     └─ every operator / contributed route consuming it gets its own copy
 *     └─▶ seda:dockerera-listeners ── route dockerera-events-listeners ──▶ subscribe() listeners,
 *                                     in publish order, one at a time, each isolated
 * </pre>
 *
 * <p>Listeners have their own queue rather than a consumer on {@code EventBus.ENDPOINT}: Camel's seda hands the
 * events of a multiple-consumers endpoint to its consumers in parallel, so a consumer there sees them in no fixed
 * order; a single-consumer queue keeps publish order for the SSE stream.
 *
 * <p>Usable without OSGi: {@code new CamelEventBus(camelContext, queueSize)} … {@link #close()}.
 */
@Component(service = EventBus.class, configurationPid = EventBusConfig.PID, immediate = true)
@Designate(ocd = EventBusConfig.class)
public final class CamelEventBus implements EventBus {
    public static final String PUBLISH_ROUTE_ID = "dockerera-events-publish";
    public static final String LISTENERS_ROUTE_ID = "dockerera-events-listeners";
    /** Always consumes {@code EventBus.ENDPOINT}, so that with no other consumer its queue never fills. */
    public static final String TAP_ROUTE_ID = "dockerera-events-tap";
    /** Set this logger to TRACE to see every event in the log. */
    public static final String TAP_LOGGER = "org.dockerera.events.tap";
    /** Seda endpoint URIs share one queue per name; these producer URIs wait (bounded) when consumers lag. */
    static final String ENDPOINT_PRODUCER = EventBus.ENDPOINT + "&blockWhenFull=true&offerTimeout=30000";
    static final String LISTENERS_QUEUE = "seda:dockerera-listeners?size=1000";
    static final String LISTENERS_PRODUCER = LISTENERS_QUEUE + "&blockWhenFull=true&offerTimeout=30000";

    private static final Logger LOG = LoggerFactory.getLogger(CamelEventBus.class);

    private final CamelContext context;
    private final String publishUri;
    private final ProducerTemplate producer;
    private final Endpoint publishEndpoint;
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    private final Object dispatchLock = new Object();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong listenerFailures = new AtomicLong();
    private volatile boolean closed;

    @Activate
    public CamelEventBus(@Reference(target = "(" + CamelRuntime.CONTEXT_PROPERTY + "=" + CamelRuntime.CONTEXT_NAME + ")")
                         CamelContext context, EventBusConfig config) throws Exception {
        this(context, config.publishQueueSize());
    }

    public CamelEventBus(CamelContext context, int publishQueueSize) throws Exception {
        if (publishQueueSize < 1) {
            throw new IllegalArgumentException("publishQueueSize must be at least 1, not " + publishQueueSize);
        }
        this.context = context;
        // the size is part of the queue's identity in Camel: the producer and consumer URIs must say the same
        this.publishUri = "seda:dockerera-publish?size=" + publishQueueSize;
        if (context.getRoute(PUBLISH_ROUTE_ID) != null || context.getRoute(LISTENERS_ROUTE_ID) != null
                || context.getRoute(TAP_ROUTE_ID) != null) {
            throw new IllegalStateException("another event bus already runs in Camel context " + context.getName());
        }
        context.addRoutes(new Routes());
        this.publishEndpoint = context.getEndpoint(publishUri);
        this.producer = context.createProducerTemplate();
        LOG.info("Event bus ready: publish queue {} events, endpoint {}", publishQueueSize, EventBus.ENDPOINT);
    }

    @Override
    public void publish(Event event) {
        String json = EventJson.write(event);
        if (closed) {
            drop(event, "the event bus is stopped");
            return;
        }
        Exchange exchange = publishEndpoint.createExchange(ExchangePattern.InOnly);
        exchange.getMessage().setBody(json);
        exchange.getMessage().setHeader(TYPE_HEADER, event.type());
        try {
            producer.send(publishEndpoint, exchange);
        } catch (RuntimeException e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            drop(event, exchange.getException().toString());
        } else {
            published.incrementAndGet();
        }
    }

    private void drop(Event event, String why) {
        long n = dropped.incrementAndGet();
        // one line per drop would flood the log exactly when the system is overloaded: log the 1st, 2nd, 4th, 8th … and every 1000th
        if (Long.bitCount(n) == 1 || n % 1000 == 0) {
            LOG.warn("Dropped event {} ({} dropped so far): {}", event.type(), n, why);
        }
    }

    @Override
    public Subscription subscribe(Consumer<Event> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Events accepted by {@link #publish}. */
    public long publishedCount() {
        return published.get();
    }

    /** Events {@link #publish} dropped because the publish queue was full or the bus stopped. */
    public long droppedCount() {
        return dropped.get();
    }

    /** Listener calls that threw. */
    public long listenerFailureCount() {
        return listenerFailures.get();
    }

    public int listenerCount() {
        return listeners.size();
    }

    @Deactivate
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        for (String id : List.of(PUBLISH_ROUTE_ID, LISTENERS_ROUTE_ID, TAP_ROUTE_ID)) {
            try {
                RouteDefinition definition = model.getRouteDefinition(id);
                if (definition != null) {
                    model.removeRouteDefinition(definition);
                }
            } catch (Exception e) {
                LOG.warn("Could not remove route {}: {}", id, e.getMessage(), e);
            }
        }
        try {
            producer.close();
        } catch (Exception e) {
            LOG.debug("Closing the producer template", e);
        }
        listeners.clear();
    }

    private void dispatch(Exchange exchange) throws Exception {
        Event event = EventJson.read(exchange.getMessage().getMandatoryBody(String.class));
        // one consumer thread, and the lock for good measure: listeners are called one at a time, in publish order
        synchronized (dispatchLock) {
            for (Consumer<Event> listener : listeners) {
                try {
                    listener.accept(event);
                } catch (RuntimeException | LinkageError e) {
                    listenerFailures.incrementAndGet();
                    LOG.warn("Event listener {} failed on {}: {}", listener, event.type(), e.toString(), e);
                }
            }
        }
    }

    private final class Routes extends RouteBuilder {
        @Override
        public void configure() {
            // a copy to each; one side failing (its queue stays full for 30 s) does not keep the event from the other
            from(publishUri).routeId(PUBLISH_ROUTE_ID)
                    .multicast().to(ENDPOINT_PRODUCER, LISTENERS_PRODUCER);
            from(LISTENERS_QUEUE).routeId(LISTENERS_ROUTE_ID)
                    .process(CamelEventBus.this::dispatch);
            from(EventBus.ENDPOINT).routeId(TAP_ROUTE_ID)
                    .log(LoggingLevel.TRACE, TAP_LOGGER, "${header." + TYPE_HEADER + "} ${body}");
        }
    }
}
