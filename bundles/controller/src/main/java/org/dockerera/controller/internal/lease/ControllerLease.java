package org.dockerera.controller.internal.lease;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.dockerera.api.Leadership;
import org.dockerera.api.LeadershipService;
import org.dockerera.controller.internal.ControllerConfig;
import org.dockerera.controller.internal.Ids;
import org.dockerera.controller.internal.Paths;
import org.dockerera.spi.store.ConfigStore;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this controller's {@link LeaseKeeper}: ticks it every tenth of the lease (a holder renews every third), and
 * tells the engine, the host service and the local-host registration when this controller starts or stops acting.
 *
 * <p>The controller id is kept in {@code ${karaf.data}/dockerera/controller.id}, so a restarted controller finds its
 * own lease and acts again at once instead of waiting for it to run out; two controllers never share a data
 * directory (Karaf locks it).
 */
@Component(service = {LeadershipService.class, ControllerLease.class}, immediate = true,
        configurationPid = ControllerConfig.PID)
public class ControllerLease implements LeadershipService {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerLease.class);

    @Reference(target = ConfigStore.ACTIVE)
    private ConfigStore store;

    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService ticker;
    private volatile LeaseKeeper keeper;
    private Duration renewEvery;
    private long lastRenewNanos;

    @Activate
    void activate(BundleContext context, ControllerConfig config) throws IOException {
        Duration lease = Duration.ofMillis(Math.max(1000, config.lease_ms()));
        String id = controllerId(Path.of(Paths.data(context), "dockerera", "controller.id"));
        String configured = config.advertisedUrl();
        start(id, configured.isBlank() ? new HttpEndpoint(context) : () -> configured, lease);
    }

    /** Also for tests without OSGi. */
    void start(String id, java.util.function.Supplier<String> url, Duration lease) {
        this.renewEvery = lease.dividedBy(3);
        this.keeper = new LeaseKeeper(store, id, url, lease, System::nanoTime, Clock.systemUTC(), this::roleChanged);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dockerera-controller-lease");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, lease.toMillis() / 10);
        ticker.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        LeaseKeeper k = keeper;
        long now = System.nanoTime();
        // the holder renews every third of the lease; a standby looks every tenth to take over soon after it ran out
        if (k.acting() && now - lastRenewNanos < renewEvery.toNanos()) {
            return;
        }
        lastRenewNanos = now;
        k.tick();
    }

    @Deactivate
    void deactivate() {
        if (ticker != null) {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (keeper != null) {
            keeper.release();
        }
    }

    @Override
    public Leadership current() {
        return keeper.view();
    }

    /** Whether this controller acts now (cheap; called before every step of a plan). */
    public boolean acting() {
        LeaseKeeper k = keeper;
        return k != null && k.acting();
    }

    /**
     * Calls {@code listener} with {@code true} when this controller starts acting and {@code false} when it stops;
     * at once with the current role.
     */
    public void onRoleChange(Consumer<Boolean> listener) {
        listeners.add(listener);
        listener.accept(acting());
    }

    public void removeRoleListener(Consumer<Boolean> listener) {
        listeners.remove(listener);
    }

    private void roleChanged(boolean acting) {
        LOG.info("controller {} is {}", keeper.view().id(), acting ? "active" : "standby");
        for (Consumer<Boolean> l : listeners) {
            try {
                l.accept(acting);
            } catch (RuntimeException e) {
                LOG.warn("role change listener failed: {}", e.toString(), e);
            }
        }
    }

    static String controllerId(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!id.isEmpty()) {
                return id;
            }
        }
        Files.createDirectories(file.getParent());
        String id = Ids.newId("c");
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return id;
    }

    /**
     * {@code http://<host name>:<port>} of the HTTP runtime's first endpoint; until the runtime is up, port 8181
     * (looked up again at the next call).
     */
    private static final class HttpEndpoint implements java.util.function.Supplier<String> {
        private final BundleContext context;
        private final String host;
        private volatile String found;

        HttpEndpoint(BundleContext context) {
            this.context = context;
            String h;
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                h = "127.0.0.1";
            }
            this.host = h;
        }

        @Override
        public String get() {
            String f = found;
            if (f != null) {
                return f;
            }
            Integer port = httpPort(context);
            if (port == null) {
                return "http://" + host + ":8181";
            }
            found = "http://" + host + ":" + port;
            return found;
        }
    }

    /** The port of the HTTP runtime's first endpoint ({@code osgi.http.endpoint}), null while there is none. */
    static Integer httpPort(BundleContext context) {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(
                    "org.osgi.service.http.runtime.HttpServiceRuntime", null);
            if (refs != null && refs.length > 0) {
                Object endpoints = refs[0].getProperty("osgi.http.endpoint");
                String first = endpoints instanceof String s ? s
                        : endpoints instanceof String[] a && a.length > 0 ? a[0]
                        : endpoints instanceof Collection<?> c && !c.isEmpty() ? String.valueOf(c.iterator().next())
                        : null;
                if (first != null && URI.create(first).getPort() > 0) {
                    return URI.create(first).getPort();
                }
            }
        } catch (RuntimeException | org.osgi.framework.InvalidSyntaxException e) {
            LOG.debug("no HTTP runtime endpoint: {}", e.toString());
        }
        return null;
    }
}
