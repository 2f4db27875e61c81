package org.dockerera.store.facade.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.dockerera.api.DockereraException;
import org.dockerera.api.StoreBackend;
import org.dockerera.api.StoreMigration;
import org.dockerera.api.StoreService;
import org.dockerera.api.StoreStatus;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.StoreHealth;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks every installed {@link ConfigStore} backend and publishes the {@link StoreFacade} as the one
 * {@code ConfigStore} consumers bind ({@value #ROLE_FILTER}), once the backend the configuration names is running.
 * The registration stays through switches and backend restarts: consumers are never restarted, they see
 * {@code store-unavailable} while no backend runs.
 */
@Component(service = StoreService.class, immediate = true, configurationPid = StoreSelection.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = StoreSelection.class)
public final class StoreComponent implements StoreService {
    private static final String ROLE_PROPERTY = ConfigStore.ROLE_PROPERTY;
    private static final String ROLE_FILTER = ConfigStore.ACTIVE;
    private static final Logger LOG = LoggerFactory.getLogger(StoreComponent.class);

    private final Map<String, ConfigStore> backends = new ConcurrentHashMap<>();
    @Reference
    private ConfigurationAdmin configAdmin;
    private volatile StoreFacade facade;
    private BundleContext context;
    private ServiceRegistration<ConfigStore> registration;

    @Activate
    void activate(BundleContext ctx, StoreSelection config) {
        this.context = ctx;
        this.facade = new StoreFacade(config.backend());
        LOG.info("Config store: {} configured (etc/org.dockerera.store.cfg); installed: {}", config.backend(),
                backends.keySet());
        pick();
    }

    @Modified
    void modified(StoreSelection config) {
        StoreFacade f = facade;
        if (f == null || config.backend().equals(f.wanted())) {
            return;
        }
        LOG.warn("etc/org.dockerera.store.cfg now names {} while {} is active: switching without copying anything"
                + " (dockerera:store-migrate copies the state)", config.backend(), f.wanted());
        f.want(config.backend());
        f.switchTo(backends.get(config.backend()));
        register();
    }

    @Deactivate
    synchronized void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (facade != null) {
            facade.close();
        }
        facade = null;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(&(" + ConfigStore.BACKEND_PROPERTY + "=*)(!" + ROLE_FILTER + "))")
    void bindStore(ConfigStore store, Map<String, Object> props) {
        backends.put(name(store, props), store);
        pick();
    }

    void unbindStore(ConfigStore store, Map<String, Object> props) {
        backends.remove(name(store, props), store);
        StoreFacade f = facade;
        if (f != null && f.active() == store) {
            f.switchTo(null);
            LOG.warn("Config store: the active backend {} went away; calls answer store-unavailable until it is back",
                    name(store, props));
        }
    }

    private static String name(ConfigStore store, Map<String, Object> props) {
        Object n = props.get(ConfigStore.BACKEND_PROPERTY);
        return n == null ? store.backend() : n.toString();
    }

    private void pick() {
        StoreFacade f = facade;
        if (f == null) {
            return;
        }
        ConfigStore s = backends.get(f.wanted());
        if (s != null && f.active() == null) {
            f.switchTo(s);
        }
        register();
    }

    private synchronized void register() {
        StoreFacade f = facade;
        if (f == null || context == null) {
            return;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(ROLE_PROPERTY, "active");
        props.put(ConfigStore.BACKEND_PROPERTY + ".active", f.backend());
        if (registration == null) {
            if (f.active() != null) {
                registration = context.registerService(ConfigStore.class, f, props);
            }
        } else {
            registration.setProperties(props);
        }
    }

    // ---- StoreService ----

    @Override
    public StoreStatus status() {
        StoreFacade f = requireFacade();
        return status(f.health());
    }

    private static StoreStatus status(StoreHealth h) {
        return new StoreStatus(h.backend(), h.endpoint(), h.revision(), h.up() ? "up" : "down");
    }

    @Override
    public List<StoreBackend> backends() {
        StoreFacade f = requireFacade();
        List<StoreBackend> list = new ArrayList<>();
        new TreeMap<>(backends).forEach((name, s) -> list.add(new StoreBackend(name, s == f.active(),
                status(s.health()))));
        if (!backends.containsKey(f.wanted())) {
            list.add(new StoreBackend(f.wanted(), false, new StoreStatus(f.wanted(), "", -1, "not installed")));
        }
        return list;
    }

    @Override
    public synchronized StoreMigration migrate(String backend, boolean force) {
        StoreFacade f = requireFacade();
        ConfigStore target = backends.get(backend);
        if (target == null) {
            throw new DockereraException(DockereraException.Kind.NOT_FOUND, "store-backend-not-found",
                    "No such store backend", "no '" + backend + "' config store is installed (installed: "
                    + String.join(", ", new TreeMap<>(backends).keySet()) + "); install its feature first, e.g."
                    + " feature:install dockerera-store-" + backend);
        }
        StoreMigration m = Migrator.migrate(f, target, force, Clock.systemUTC(), () -> record(backend));
        register();
        return m;
    }

    @Override
    public long exportTo(java.io.OutputStream out) throws IOException {
        return Exports.write(requireFacade(), out, Clock.systemUTC());
    }

    @Override
    public synchronized long importFrom(java.io.InputStream in, boolean force) throws IOException {
        StoreFacade f = requireFacade();
        List<org.dockerera.spi.store.Entry> entries = Exports.read(in);
        return Migrator.load(f, entries, Migrator.checksum(entries), force);
    }

    /** Writes {@code backend=} to the configuration (Karaf saves it in etc/org.dockerera.store.cfg). */
    private void record(String backend) {
        try {
            Configuration c = configAdmin.getConfiguration(StoreSelection.PID, "?");
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) {
                props = new Hashtable<>();
            }
            props.put("backend", backend);
            c.update(props);
        } catch (IOException e) {
            LOG.error("Config store switched to {} but etc/org.dockerera.store.cfg could not be updated: a restart"
                    + " would go back to the old backend; set backend = {} there", backend, backend, e);
        }
    }

    private StoreFacade requireFacade() {
        StoreFacade f = facade;
        if (f == null) {
            throw new DockereraException(DockereraException.Kind.UNAVAILABLE, "service-unavailable",
                    "Store service stopping", "the store service is not active; retry");
        }
        return f;
    }
}
