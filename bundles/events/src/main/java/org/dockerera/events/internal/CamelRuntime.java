package org.dockerera.events.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.component.bean.BeanComponent;
import org.apache.camel.component.beanclass.ClassComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the one CamelContext {@value #CONTEXT_NAME}: creates and starts it, publishes it as an OSGi service
 * ({@code org.apache.camel.CamelContext} with {@code dockerera.context=dockerera}) and adds the routes of every
 * {@link RouteBuilder} service, removing exactly those routes when the service goes.
 *
 * <p>Usable without OSGi: {@code new CamelRuntime()}, {@link #start()}, {@link #addContributor}, {@link #stop()}.
 *
 * <p>Rules for contributors: every route has an explicit {@code routeId} that no other route uses; routes get
 * the context-wide error handling (dead letter to the {@value #DEAD_LETTER_ROUTE_ID} route, which logs the failure
 * with its stack trace) unless the builder declares its own error handler.
 */
@Component(service = {}, immediate = true)
public final class CamelRuntime {
    public static final String CONTEXT_NAME = "dockerera";
    /** Service property telling the dockerera context apart from any other CamelContext service. */
    public static final String CONTEXT_PROPERTY = "dockerera.context";
    public static final String DEAD_LETTER_ENDPOINT = "direct:dockerera-dead-letter";
    public static final String DEAD_LETTER_ROUTE_ID = "dockerera-dead-letter";
    static final int SHUTDOWN_TIMEOUT_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(CamelRuntime.class);
    private static final Logger DEAD_LETTER_LOG = LoggerFactory.getLogger("org.dockerera.events.deadletter");

    /** Contributors in arrival order, with the ids of the routes each one added (empty until the context runs). */
    private final Map<RouteBuilder, Contribution> contributions = new IdentityHashMap<>();
    private final AtomicLong deadLetters = new AtomicLong();
    private CamelContext context;
    private ServiceRegistration<CamelContext> registration;
    private long startMillis;

    private record Contribution(String name, long order, Set<String> routeIds) {
    }

    private long arrivals;

    @Activate
    void activate(BundleContext bundleContext) throws Exception {
        start();
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CONTEXT_PROPERTY, CONTEXT_NAME);
        properties.put("camel.context.name", CONTEXT_NAME);
        registration = bundleContext.registerService(CamelContext.class, context, properties);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping: the framework unregistered it
            }
            registration = null;
        }
        stop();
    }

    /** Creates and starts the context and adds the routes of contributors that arrived before. */
    public synchronized void start() throws Exception {
        if (context != null) {
            return;
        }
        long t0 = System.nanoTime();
        ClassLoader ours = CamelRuntime.class.getClassLoader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ours);
        // not built yet: thread names take the context name when its executor manager is built
        DefaultCamelContext created = new DefaultCamelContext(false);
        try {
            created.getCamelContextExtension().setName(CONTEXT_NAME);
            created.setApplicationContextClassLoader(ours);
            created.getShutdownStrategy().setTimeout(SHUTDOWN_TIMEOUT_SECONDS);
            // stock seda loses the exchanges in flight on seda:dockerera-events whenever a consumer joins or leaves
            created.addComponent("seda", new FanOutSedaComponent());
            // a BeanInfo cache would pin the class loaders of uninstalled contributor bundles
            created.getComponent("bean", BeanComponent.class).setBeanInfoCacheSize(0);
            created.getComponent("class", ClassComponent.class).setBeanInfoCacheSize(0);
            created.addRoutesConfigurations(new ErrorHandling());
            created.addRoutes(new DeadLetterRoute(deadLetters));
            created.start();
        } catch (Exception | LinkageError e) {
            created.stop();
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
        context = created;
        startMillis = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("Camel context {} (Camel {}) started in {} ms", CONTEXT_NAME, created.getVersion(), startMillis);
        List<Map.Entry<RouteBuilder, Contribution>> waiting = new ArrayList<>(contributions.entrySet());
        waiting.sort((a, b) -> Long.compare(a.getValue().order(), b.getValue().order()));
        for (Map.Entry<RouteBuilder, Contribution> entry : waiting) {
            install(entry.getKey(), entry.getValue());
        }
    }

    /** Stops the context; contributors stay known and are added again by a later {@link #start()}. */
    public synchronized void stop() {
        CamelContext running = context;
        if (running == null) {
            return;
        }
        context = null;
        contributions.replaceAll((builder, c) -> new Contribution(c.name(), c.order(), Set.of()));
        try {
            running.stop();
        } catch (RuntimeException e) {
            LOG.warn("Camel context {} did not stop cleanly: {}", CONTEXT_NAME, e.toString(), e);
        }
        LOG.info("Camel context {} stopped", CONTEXT_NAME);
    }

    @Reference(service = RouteBuilder.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindRouteBuilder(RouteBuilder builder, Map<String, Object> properties) {
        Object name = properties.get("component.name");
        addContributor(builder, name != null ? name.toString() : builder.getClass().getName());
    }

    void unbindRouteBuilder(RouteBuilder builder) {
        removeContributor(builder);
    }

    /** Adds {@code builder}'s routes (now if the context runs, else when it starts). */
    public synchronized void addContributor(RouteBuilder builder, String name) {
        if (contributions.containsKey(builder)) {
            return;
        }
        Contribution contribution = new Contribution(name, arrivals++, Set.of());
        contributions.put(builder, contribution);
        if (context != null) {
            install(builder, contribution);
        }
    }

    public void addContributor(RouteBuilder builder) {
        addContributor(builder, builder.getClass().getName());
    }

    /** Removes exactly the routes {@code builder} added. */
    public synchronized void removeContributor(RouteBuilder builder) {
        Contribution contribution = contributions.remove(builder);
        if (contribution == null || context == null) {
            return;
        }
        removeRoutes(contribution.routeIds());
        if (!contribution.routeIds().isEmpty()) {
            LOG.info("Removed routes {} of {}", contribution.routeIds(), contribution.name());
        }
    }

    /** The running context, or {@code null} while stopped. */
    public synchronized CamelContext context() {
        return context;
    }

    /** Route ids per contributor name, for diagnostics and tests. */
    public synchronized Map<String, Set<String>> contributedRoutes() {
        Map<String, Set<String>> answer = new LinkedHashMap<>();
        contributions.values().stream().sorted((a, b) -> Long.compare(a.order(), b.order()))
                .forEach(c -> answer.put(c.name(), c.routeIds()));
        return answer;
    }

    /** How many exchanges ended in the dead-letter route since start. */
    public long deadLetterCount() {
        return deadLetters.get();
    }

    public synchronized long startMillis() {
        return startMillis;
    }

    private void install(RouteBuilder builder, Contribution contribution) {
        Set<String> ids;
        try {
            ids = routeIds(builder, contribution.name());
        } catch (Exception e) {
            LOG.error("Routes of {} not added: {}", contribution.name(), e.getMessage(), e);
            return;
        }
        try {
            context.addRoutes(builder);
        } catch (Exception e) {
            removeRoutes(ids);
            LOG.error("Routes of {} not added (those that were added are removed again): {}", contribution.name(),
                    e.getMessage(), e);
            return;
        }
        contributions.put(builder, new Contribution(contribution.name(), contribution.order(), ids));
        LOG.info("Added routes {} of {}", ids, contribution.name());
    }

    /** Configures the builder (once) and checks every route has its own explicit id, unused so far. */
    private Set<String> routeIds(RouteBuilder builder, String name) throws Exception {
        List<RouteDefinition> routes = builder.configureRoutes(context).getRoutes();
        Set<String> ids = new LinkedHashSet<>();
        for (RouteDefinition route : routes) {
            if (!route.hasCustomIdAssigned()) {
                throw new IllegalArgumentException("route from " + route.getInput().getEndpointUri() + " in " + name
                        + " has no routeId: give every route .routeId(\"...\")");
            }
            String id = route.getRouteId();
            if (!ids.add(id) || context.getRoute(id) != null) {
                throw new IllegalArgumentException("route id " + id + " of " + name
                        + " is already used by another route: route ids must be unique in the dockerera context");
            }
        }
        return Collections.unmodifiableSet(ids);
    }

    private void removeRoutes(Set<String> ids) {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        for (String id : ids) {
            try {
                RouteDefinition definition = model.getRouteDefinition(id);
                if (definition != null) {
                    // stops and removes the route, its endpoints no other route uses and the definition
                    model.removeRouteDefinition(definition);
                } else if (context.getRoute(id) != null) {
                    context.getRouteController().stopRoute(id);
                    context.removeRoute(id);
                }
            } catch (Exception e) {
                LOG.warn("Could not remove route {}: {}", id, e.getMessage(), e);
            }
        }
    }

    /** One error-handling configuration for every route: failures go to the dead-letter route, never swallowed. */
    static final class ErrorHandling extends RouteConfigurationBuilder {
        @Override
        public void configuration() {
            // no id: Camel applies id-less route configurations to every route that names none
            // the dead-letter route logs each failure once, with its stack trace; the channel itself stays quiet
            routeConfiguration().errorHandler(deadLetterChannel(DEAD_LETTER_ENDPOINT)
                    .useOriginalMessage()
                    .logExhausted(false)
                    .logRetryAttempted(false)
                    .logStackTrace(false));
        }
    }

    /** Logs every dead letter with its route, endpoint and full stack trace. */
    static final class DeadLetterRoute extends RouteBuilder {
        private final AtomicLong counter;

        DeadLetterRoute(AtomicLong counter) {
            this.counter = counter;
        }

        @Override
        public void configure() {
            // its own (no) error handler: a failure while logging must not loop back into this route
            errorHandler(noErrorHandler());
            from(DEAD_LETTER_ENDPOINT).routeId(DEAD_LETTER_ROUTE_ID).process(exchange -> {
                counter.incrementAndGet();
                Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
                Object endpoint = exchange.getProperty(Exchange.FAILURE_ENDPOINT);
                DEAD_LETTER_LOG.error("Route {} failed{} on exchange {} (headers {}): {}",
                        exchange.getProperty(Exchange.FAILURE_ROUTE_ID),
                        endpoint == null ? "" : " sending to " + endpoint,
                        exchange.getExchangeId(),
                        exchange.getMessage().getHeaders().keySet(),
                        cause == null ? "unknown failure" : cause.toString(), cause);
            });
        }
    }
}
