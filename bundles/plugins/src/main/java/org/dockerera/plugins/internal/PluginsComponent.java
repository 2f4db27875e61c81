package org.dockerera.plugins.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.dockerera.api.PluginPoint;
import org.dockerera.api.PluginService;
import org.dockerera.api.StoreBackend;
import org.dockerera.api.StoreService;
import org.dockerera.spi.router.RouterBackend;
import org.dockerera.spi.scheduler.Scheduler;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.StoreHealth;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PluginService}: one service tracker per plugin point (by interface name, all services whatever their
 * class space, so the Camel {@code RouteBuilder} contributors are seen without loading Camel), plus what the DS
 * runtime and the framework say about plugin components and bundles that are not running. Which store and strategy
 * are in use comes from the store facade and the scheduler, both optional: without them nothing is flagged active
 * at those points.
 */
@Component(service = PluginService.class, immediate = true)
public class PluginsComponent implements PluginService {
    private static final Logger LOG = LoggerFactory.getLogger(PluginsComponent.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ServiceComponentRuntime scr;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile StoreService storeService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Scheduler scheduler;

    private BundleContext context;
    private final Map<Point, ServiceTracker<Object, Object>> trackers = new HashMap<>();
    /** Why an unresolved bundle does not resolve, by bundle id and last modification (asking has side effects). */
    private final Map<String, String> unresolvedReasons = new ConcurrentHashMap<>();

    @Activate
    void activate(BundleContext ctx) throws InvalidSyntaxException {
        this.context = ctx;
        for (Point p : Point.ALL) {
            ServiceTracker<Object, Object> t = new ServiceTracker<>(ctx,
                    ctx.createFilter("(" + Constants.OBJECTCLASS + "=" + p.objectClass() + ")"), null);
            t.open(true); // every service of that name, whichever class space it was wired to
            trackers.put(p, t);
        }
    }

    @Deactivate
    void deactivate() {
        trackers.values().forEach(ServiceTracker::close);
        trackers.clear();
    }

    @Override
    public List<PluginPoint> points() {
        Map<String, StoreBackend> backends = storeBackends();
        String activeStore = backends.values().stream().filter(StoreBackend::active).map(StoreBackend::name)
                .findFirst().orElse(null);
        Scheduler s = scheduler;
        String activeStrategy = null;
        if (s != null) {
            try {
                activeStrategy = s.strategy();
            } catch (RuntimeException e) {
                LOG.debug("scheduler did not answer: {}", e.toString());
            }
        }
        return Catalog.build(registered(backends), failures(), activeStore, activeStrategy);
    }

    private Map<String, StoreBackend> storeBackends() {
        StoreService ss = storeService;
        Map<String, StoreBackend> out = new HashMap<>();
        if (ss != null) {
            try {
                ss.backends().forEach(b -> out.put(b.name(), b));
            } catch (RuntimeException e) {
                LOG.debug("store service did not list its backends: {}", e.toString());
            }
        }
        return out;
    }

    // ---- registered services ------------------------------------------------------------------------------------

    private List<Found> registered(Map<String, StoreBackend> backends) {
        List<Found> out = new ArrayList<>();
        for (Point p : Point.ALL) {
            ServiceTracker<Object, Object> t = trackers.get(p);
            ServiceReference<Object>[] refs = t == null ? null : t.getServiceReferences();
            if (refs == null) {
                continue;
            }
            for (ServiceReference<Object> ref : refs) {
                Bundle b = ref.getBundle();
                if (b == null || (p.equals(Point.STORE) && ref.getProperty(ConfigStore.ROLE_PROPERTY) != null)) {
                    continue; // gone meanwhile, or the store facade (not a backend)
                }
                String component = string(ref.getProperty(Point.COMPONENT_NAME));
                String name = string(ref.getProperty(p.nameProperty()));
                if (name == null) {
                    name = component != null ? component : b.getSymbolicName();
                }
                String[] healthAndDetail = health(p, ref, name, backends);
                out.add(new Found(p, name, b.getSymbolicName(), b.getVersion().toString(), component,
                        healthAndDetail[0], p.equals(Point.ROUTES) && healthAndDetail[1] == null ? component
                        : healthAndDetail[1]));
            }
        }
        return out;
    }

    /** Health and detail of a registered implementation, from its own status where the SPI has one. */
    private String[] health(Point p, ServiceReference<Object> ref, String name, Map<String, StoreBackend> backends) {
        if (ref.getBundle().getState() != Bundle.ACTIVE && ref.getBundle().getState() != Bundle.STARTING) {
            return new String[] {"down: bundle " + state(ref.getBundle()), null};
        }
        if (p.equals(Point.STORE)) {
            StoreBackend sb = backends.get(name);
            if (sb != null && sb.status() != null) {
                String h = sb.status().health();
                return new String[] {"up".equals(h) ? "up" : "down" + (h == null || h.equals("down") ? "" : ": " + h),
                        sb.status().endpoint()};
            }
            return call(ref, ConfigStore.class, cs -> {
                StoreHealth h = cs.health();
                return new String[] {h.up() ? "up" : "down" + (h.detail() == null ? "" : ": " + h.detail()),
                        h.endpoint()};
            });
        }
        if (p.equals(Point.ROUTER)) {
            return call(ref, RouterBackend.class, rb -> {
                RouterBackend.Health h = rb.health();
                return new String[] {h.up() ? "up" : "down" + (h.detail() == null ? "" : ": " + h.detail()),
                        rb.url()};
            });
        }
        // no status of its own: up when its service can be obtained (the consumers hold it already, so this
        // activates nothing new); a component that cannot be created gives none
        return call(ref, Object.class, o -> new String[] {"up", null});
    }

    private interface Ask<S> {
        String[] ask(S service);
    }

    /** Asks the service itself; a service of another class space, or one that throws, reports why. */
    private <S> String[] call(ServiceReference<Object> ref, Class<S> type, Ask<S> ask) {
        Object service;
        try {
            service = context.getService(ref);
        } catch (RuntimeException e) {
            return new String[] {"failed: " + firstLine(e.toString()), null};
        }
        if (service == null) {
            return new String[] {"failed: its component could not be activated" + failureOf(ref), null};
        }
        try {
            if (!type.isInstance(service)) {
                return new String[] {"up", "wired to another version of " + type.getPackageName()};
            }
            return ask.ask(type.cast(service));
        } catch (RuntimeException e) {
            return new String[] {"down: " + firstLine(e.toString()), null};
        } finally {
            try {
                context.ungetService(ref);
            } catch (RuntimeException ignored) {
                // gone meanwhile
            }
        }
    }

    /** The DS runtime's failure text for the component behind {@code ref}, as {@code ": TEXT"}, or a pointer. */
    private String failureOf(ServiceReference<Object> ref) {
        ServiceComponentRuntime runtime = scr;
        Object id = ref.getProperty("component.id");
        if (runtime != null && id instanceof Number n) {
            try {
                for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs(ref.getBundle())) {
                    for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                        if (c.id == n.longValue() && c.failure != null) {
                            return ": " + firstLine(c.failure);
                        }
                    }
                }
            } catch (RuntimeException e) {
                LOG.debug("DS runtime did not answer: {}", e.toString());
            }
        }
        return " (see the log: scr:info " + (id == null ? "" : id) + ")";
    }

    // ---- what is not running ------------------------------------------------------------------------------------

    private List<Found> failures() {
        List<Found> out = new ArrayList<>();
        ServiceComponentRuntime runtime = scr;
        if (runtime != null) {
            try {
                for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs()) {
                    componentFailures(runtime, d, out);
                }
            } catch (RuntimeException e) {
                LOG.debug("DS runtime did not answer: {}", e.toString());
            }
        }
        for (Bundle b : context.getBundles()) {
            bundleFailure(b, out);
        }
        return out;
    }

    private void componentFailures(ServiceComponentRuntime runtime, ComponentDescriptionDTO d, List<Found> out) {
        if (d.serviceInterfaces == null || d.bundle == null) {
            return;
        }
        for (String iface : d.serviceInterfaces) {
            Point p = Point.of(iface);
            if (p == null || !runtime.isComponentEnabled(d)) {
                continue;
            }
            String name = d.properties != null ? string(d.properties.get(p.nameProperty())) : null;
            if (name == null) {
                name = d.name;
            }
            for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                String health = switch (c.state) {
                    case ComponentConfigurationDTO.FAILED_ACTIVATION ->
                            "failed: activation failed: " + (c.failure == null ? "see the log" : firstLine(c.failure));
                    case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "failed: unsatisfied reference "
                            + unsatisfied(c.unsatisfiedReferences);
                    case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "down: waiting for its configuration";
                    default -> null;
                };
                if (health != null) {
                    out.add(new Found(p, name, d.bundle.symbolicName, versionOf(d.bundle.id), d.name, health, null));
                }
            }
        }
    }

    private static String unsatisfied(UnsatisfiedReferenceDTO[] refs) {
        if (refs == null || refs.length == 0) {
            return "(unknown)";
        }
        List<String> parts = new ArrayList<>();
        for (UnsatisfiedReferenceDTO r : refs) {
            parts.add(r.name + (r.target != null ? " " + r.target : ""));
        }
        return String.join(", ", parts);
    }

    private String versionOf(long bundleId) {
        Bundle b = context.getBundle(bundleId);
        return b == null ? "" : b.getVersion().toString();
    }

    /**
     * A bundle that offers a plugin point's service (its {@code Provide-Capability: osgi.service} names the
     * interface, as bnd writes it for DS components) but is not active: not resolved (with the resolver's reason),
     * or started and not running.
     */
    private void bundleFailure(Bundle b, List<Found> out) {
        int state = b.getState();
        if (state != Bundle.INSTALLED && state != Bundle.RESOLVED) {
            return;
        }
        if (b.getHeaders("").get(Constants.FRAGMENT_HOST) != null) {
            return;
        }
        List<Point> points = offeredPoints(b.getHeaders("").get(Constants.PROVIDE_CAPABILITY));
        if (points.isEmpty()) {
            return;
        }
        String health;
        if (state == Bundle.INSTALLED) {
            health = "failed: bundle " + b.getBundleId() + " does not resolve: " + unresolvedReason(b);
        } else if (persistentlyStarted(b)) {
            health = "failed: bundle " + b.getBundleId() + " is resolved but did not start (see bundle:diag "
                    + b.getBundleId() + " and the log)";
        } else {
            health = "down: bundle " + b.getBundleId() + " is stopped (bundle:start " + b.getBundleId() + ")";
        }
        for (Point p : points) {
            out.add(new Found(p, b.getSymbolicName(), b.getSymbolicName(), b.getVersion().toString(), null, health,
                    b.getLocation()));
        }
    }

    /** Points named by {@code osgi.service} capabilities in a Provide-Capability header. */
    static List<Point> offeredPoints(String provideCapability) {
        List<Point> out = new ArrayList<>();
        if (provideCapability == null || !provideCapability.contains("osgi.service")) {
            return out;
        }
        for (Point p : Point.ALL) {
            if (provideCapability.contains(p.objectClass() + "\"") || provideCapability.contains(p.objectClass() + ",")
                    || provideCapability.contains(p.objectClass() + ";")) {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean persistentlyStarted(Bundle b) {
        BundleStartLevel sl = b.adapt(BundleStartLevel.class);
        return sl != null && sl.isPersistentlyStarted();
    }

    /**
     * Why {@code b} does not resolve: asking it to load a class makes the framework try and report the missing
     * requirement. Done once per bundle version (the framework also logs it), then remembered.
     */
    private String unresolvedReason(Bundle b) {
        String key = b.getBundleId() + "@" + b.getLastModified();
        return unresolvedReasons.computeIfAbsent(key, k -> {
            try {
                b.loadClass("org.dockerera.plugins.internal.NoSuchClass");
                return "unknown (see bundle:diag " + b.getBundleId() + ")";
            } catch (ClassNotFoundException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                String m = cause.getMessage() == null ? cause.toString() : cause.getMessage();
                return b.getState() == Bundle.INSTALLED ? firstLine(m)
                        : "resolved now (see bundle:diag " + b.getBundleId() + ")";
            } catch (RuntimeException e) {
                return firstLine(e.toString());
            }
        });
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.INSTALLED -> "installed";
            case Bundle.RESOLVED -> "resolved, not started";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.ACTIVE -> "active";
            default -> "uninstalled";
        };
    }

    private static String string(Object o) {
        if (o instanceof String s && !s.isBlank()) {
            return s.strip();
        }
        if (o instanceof String[] a && a.length > 0) {
            return String.join(",", Arrays.asList(a));
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
