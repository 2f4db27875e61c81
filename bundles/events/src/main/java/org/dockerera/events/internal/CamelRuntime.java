package org.dockerera.events.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.component.bean.BeanComponent;
import org.apache.camel.component.beanclass.ClassComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.URISupport;
import org.dockerera.api.events.CamelRouteInfo;
import org.dockerera.api.events.CamelRoutes;
import org.dockerera.api.events.RouteFileStatus;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
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
 *
 * <p>It also loads the operator's route files ({@link RouteFiles}: YAML or XML in {@code routesDirectory}, by default
 * {@code ${karaf.etc}/dockerera/routes}) through {@link #loadFile}/{@link #unloadFile}, one file at a time and all or
 * nothing, and answers {@link CamelRoutes}: every route with its source, and the files' states.
 */
@Component(service = CamelRoutes.class, immediate = true, configurationPid = EventBusConfig.PID)
public final class CamelRuntime implements CamelRoutes {
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

    /** The source of the routes the context itself and the event bus add (the events bundle's own). */
    private String ownSource = "bundle dockerera-events";
    /** Route files loaded (a file's last good version), by name. */
    private final Map<String, FileRoutes> files = new LinkedHashMap<>();
    private RouteFiles watcher;

    private record Contribution(String name, String source, long order, Set<String> routeIds) {
    }

    private record FileRoutes(String text, Set<String> routeIds) {
    }

    private long arrivals;

    @Activate
    void activate(BundleContext bundleContext, EventBusConfig config) throws Exception {
        ownSource = "bundle " + bundleContext.getBundle().getSymbolicName();
        start();
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CONTEXT_PROPERTY, CONTEXT_NAME);
        properties.put("camel.context.name", CONTEXT_NAME);
        registration = bundleContext.registerService(CamelContext.class, context, properties);
        watchRoutes(routesDirectory(config), RouteFiles.QUIET);
    }

    /** A changed routes directory moves the watcher; the context and every other route keep running. */
    @Modified
    void modified(EventBusConfig config) {
        Path dir = routesDirectory(config);
        synchronized (this) {
            if (watcher != null && watcher.directory().equals(dir)) {
                return;
            }
        }
        watchRoutes(dir, RouteFiles.QUIET);
    }

    /** {@code routesDirectory}, else {@code ${karaf.etc}/dockerera/routes}; null (no route files) without either. */
    static Path routesDirectory(EventBusConfig config) {
        String configured = config == null ? "" : config.routesDirectory().trim();
        if (!configured.isEmpty()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        // Karaf's own location property, as Karaf's bundles use it; not a dockerera setting
        String etc = System.getProperty("karaf.etc");
        return etc == null ? null : Path.of(etc, "dockerera", "routes").toAbsolutePath().normalize();
    }

    /**
     * Starts loading the route files in {@code dir} (and watching it), after unloading those of the directory
     * watched so far; null stops watching. The context must run.
     */
    public void watchRoutes(Path dir, Duration quiet) {
        RouteFiles old;
        synchronized (this) {
            old = watcher;
            watcher = null;
        }
        if (old != null) {
            old.close();
        }
        synchronized (this) {
            for (String file : new ArrayList<>(files.keySet())) {
                unloadFile(file);
            }
            if (dir != null && context != null) {
                watcher = new RouteFiles(this, dir, quiet);
                watcher.start();
            }
        }
    }

    @Deactivate
    void deactivate() {
        watchRoutes(null, RouteFiles.QUIET);
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
    public void stop() {
        RouteFiles old;
        synchronized (this) {
            old = watcher;
            watcher = null;
        }
        if (old != null) {
            old.close();
        }
        stopContext();
    }

    private synchronized void stopContext() {
        CamelContext running = context;
        if (running == null) {
            return;
        }
        context = null;
        files.clear();
        contributions.replaceAll((builder, c) -> new Contribution(c.name(), c.source(), c.order(), Set.of()));
        try {
            running.stop();
        } catch (RuntimeException e) {
            LOG.warn("Camel context {} did not stop cleanly: {}", CONTEXT_NAME, e.toString(), e);
        }
        LOG.info("Camel context {} stopped", CONTEXT_NAME);
    }

    @Reference(service = RouteBuilder.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindRouteBuilder(RouteBuilder builder, ServiceReference<RouteBuilder> reference) {
        Object name = reference.getProperty("component.name");
        Bundle bundle = reference.getBundle();
        addContributor(builder, name != null ? name.toString() : builder.getClass().getName(),
                "bundle " + (bundle == null ? "?" : bundle.getSymbolicName()));
    }

    void unbindRouteBuilder(RouteBuilder builder) {
        removeContributor(builder);
    }

    /** Adds {@code builder}'s routes (now if the context runs, else when it starts). */
    public void addContributor(RouteBuilder builder, String name) {
        addContributor(builder, name, "bundle " + name);
    }

    /** Adds {@code builder}'s routes, listed as coming from {@code source} ({@code bundle <symbolic name>}). */
    public synchronized void addContributor(RouteBuilder builder, String name, String source) {
        if (contributions.containsKey(builder)) {
            return;
        }
        Contribution contribution = new Contribution(name, source, arrivals++, Set.of());
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
        contributions.put(builder, new Contribution(contribution.name(), contribution.source(), contribution.order(),
                ids));
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

    // --- route files ------------------------------------------------------------------------------------------

    /**
     * Loads a route file's routes, all or none. The file's previous version (if it loaded) is replaced only when
     * this one loads: every route of the new version is checked (explicit, unused ids; only routes) before anything
     * changes, and when adding them still fails (an unknown component, a bad endpoint option) the routes added so far
     * are removed and the previous version is put back. No other route is touched either way.
     *
     * @param file the file's name ({@code *.yaml}, {@code *.yml} or {@code *.xml})
     * @return the ids of its routes, now running
     * @throws RouteFileException why the file did not load (with the line where known)
     */
    public synchronized Set<String> loadFile(String file, String text) throws RouteFileException {
        if (context == null) {
            throw new RouteFileException(null, null, "the Camel context is not running");
        }
        FileRoutes previous = files.get(file);
        List<RoutesBuilder> builders;
        Set<String> ids;
        try {
            builders = parseFile(file, text);
            ids = fileRouteIds(builders, file, previous == null ? Set.of() : previous.routeIds());
        } catch (Exception | LinkageError e) {
            throw RouteFileException.of(e, text, Map.of());
        }
        if (previous != null) {
            removeRoutes(previous.routeIds());
            files.remove(file);
        }
        try {
            for (RoutesBuilder builder : builders) {
                context.addRoutes(builder);
            }
        } catch (Exception | LinkageError e) {
            Map<String, Integer> lines = lines(builders);
            removeRoutes(ids);
            if (previous != null) {
                restore(file, previous);
            }
            throw RouteFileException.of(e, text, lines);
        }
        files.put(file, new FileRoutes(text, ids));
        return ids;
    }

    /** Removes the routes of a route file (deleted); returns their ids. */
    public synchronized Set<String> unloadFile(String file) {
        FileRoutes gone = files.remove(file);
        if (gone == null || context == null) {
            return Set.of();
        }
        removeRoutes(gone.routeIds());
        return gone.routeIds();
    }

    /** The ids of the routes running from {@code file} (its last good version). */
    public synchronized Set<String> fileRoutes(String file) {
        FileRoutes loaded = files.get(file);
        return loaded == null ? Set.of() : loaded.routeIds();
    }

    private void restore(String file, FileRoutes previous) {
        try {
            List<RoutesBuilder> builders = parseFile(file, previous.text());
            fileRouteIds(builders, file, Set.of());
            for (RoutesBuilder builder : builders) {
                context.addRoutes(builder);
            }
            files.put(file, previous);
        } catch (Exception | LinkageError e) {
            removeRoutes(previous.routeIds());
            LOG.error("The previous version of route file {} could not be put back; its routes {} are gone: {}", file,
                    previous.routeIds(), e.getMessage(), e);
        }
    }

    private List<RoutesBuilder> parseFile(String file, String text) throws Exception {
        // Camel picks the loader by extension and has none for .yml
        String location = "file:" + (file.endsWith(".yml") ? file.substring(0, file.length() - 4) + ".yaml" : file);
        Collection<RoutesBuilder> found = PluginHelper.getRoutesLoader(context)
                .findRoutesBuilders(ResourceHelper.fromString(location, text));
        return new ArrayList<>(found);
    }

    /** Configures the builders and checks their routes as for contributors; {@code own}: ids this file may reuse. */
    private Set<String> fileRouteIds(List<RoutesBuilder> builders, String file, Set<String> own) throws Exception {
        Set<String> ids = new LinkedHashSet<>();
        for (RoutesBuilder found : builders) {
            if (!(found instanceof RouteBuilder builder)) {
                throw new IllegalArgumentException("unsupported content: only routes are allowed in route files");
            }
            builder.configureRoutes(context);
            if (!builder.getRouteTemplateCollection().getRouteTemplates().isEmpty()
                    || !builder.getTemplatedRouteCollection().getTemplatedRoutes().isEmpty()
                    || !builder.getRestCollection().getRests().isEmpty()) {
                throw new IllegalArgumentException("only routes are allowed in route files (no route templates or rest)");
            }
            for (RouteDefinition route : builder.getRouteCollection().getRoutes()) {
                String from = route.getInput() == null ? "?" : route.getInput().getEndpointUri();
                if (!route.hasCustomIdAssigned()) {
                    throw new RouteFileException(lineOf(route), null, "route from " + from
                            + " has no id: give every route an id (YAML: id: my-route, XML: <route id=\"my-route\">)");
                }
                String id = route.getRouteId();
                if (!ids.add(id)) {
                    throw new RouteFileException(lineOf(route), null, "route id " + id + " is used twice in " + file);
                }
                if (!own.contains(id) && context.getRoute(id) != null) {
                    throw new RouteFileException(lineOf(route), null, "route id " + id + " is already used by "
                            + sourceOf(id) + ": route ids must be unique in the dockerera context");
                }
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("no route in " + file);
        }
        return Collections.unmodifiableSet(ids);
    }

    private static Map<String, Integer> lines(List<RoutesBuilder> builders) {
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (RoutesBuilder b : builders) {
            if (b instanceof RouteBuilder rb) {
                for (RouteDefinition route : rb.getRouteCollection().getRoutes()) {
                    Integer line = lineOf(route);
                    if (line != null && route.getRouteId() != null) {
                        lines.put(route.getRouteId(), line);
                    }
                }
            }
        }
        return lines;
    }

    private static Integer lineOf(RouteDefinition route) {
        int line = route.getLineNumber();
        if (line <= 0 && route.getInput() != null) {
            line = route.getInput().getLineNumber();
        }
        return line > 0 ? line : null;
    }

    // --- CamelRoutes ----------------------------------------------------------------------------------------

    @Override
    public synchronized List<CamelRouteInfo> routes() {
        if (context == null) {
            return List.of();
        }
        List<CamelRouteInfo> answer = new ArrayList<>();
        for (Route route : context.getRoutes()) {
            String id = route.getRouteId();
            ServiceStatus status = context.getRouteController().getRouteStatus(id);
            String endpoint = route.getEndpoint() == null ? null
                    : URISupport.sanitizeUri(route.getEndpoint().getEndpointUri());
            answer.add(new CamelRouteInfo(id, sourceOf(id), status == null ? "Unknown" : status.name(), endpoint));
        }
        answer.sort(Comparator.comparing(CamelRouteInfo::source).thenComparing(CamelRouteInfo::id));
        return answer;
    }

    @Override
    public List<RouteFileStatus> files() {
        RouteFiles w;
        synchronized (this) {
            w = watcher;
        }
        return w == null ? List.of() : w.statuses();
    }

    @Override
    public synchronized String directory() {
        return watcher == null ? null : watcher.directory().toString();
    }

    private String sourceOf(String routeId) {
        for (Map.Entry<String, FileRoutes> f : files.entrySet()) {
            if (f.getValue().routeIds().contains(routeId)) {
                return "file " + f.getKey();
            }
        }
        for (Contribution c : contributions.values()) {
            if (c.routeIds().contains(routeId)) {
                return c.source();
            }
        }
        return ownSource;
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
