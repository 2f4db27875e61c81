package org.dockerera.router.agent.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.dockerera.api.RouteService;
import org.dockerera.api.RouterService;
import org.dockerera.spi.router.RouterBackend;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds every {@link RouterBackend} in this Karaf (each its own registration with the controller): through the
 * controller's services when it runs here and no {@code controllerUrl} is set, else over REST + SSE.
 */
@Component(configurationPid = AgentConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AgentConfig.class)
public class RouterAgent {
    private static final Logger LOG = LoggerFactory.getLogger(RouterAgent.class);

    private RouteService routes;
    private RouterService routers;
    private boolean remote;
    private boolean active;

    private final java.util.Set<RouterBackend> backends = ConcurrentHashMap.newKeySet();
    private final Map<RouterBackend, BackendFeed> feeds = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "dockerera-router-agent");
        t.setDaemon(true);
        return t;
    });
    private volatile Fleet fleet;
    private volatile org.dockerera.api.CertificateService certificates;
    private volatile Duration retry = Duration.ofMillis(500);

    @Activate
    synchronized void activate(AgentConfig config) {
        retry = Duration.ofMillis(Math.max(50, config.retryMs()));
        active = true;
        if (!config.controllerUrl().isBlank()) {
            remote = true;
            switchTo(new RemoteFleet(config.controllerUrl(), readToken(config.tokenFile()),
                    Duration.ofMillis(config.timeoutMs())));
        } else {
            useLocal();
            if (fleet == null) {
                LOG.info("no controllerUrl in etc/{}.cfg: waiting for the controller in this Karaf", AgentConfig.PID);
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void setRoutes(RouteService r) {
        routes = r;
        useLocal();
    }

    synchronized void unsetRoutes(RouteService r) {
        if (routes == r) {
            routes = null;
            useLocal();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void setRouters(RouterService r) {
        routers = r;
        useLocal();
    }

    synchronized void unsetRouters(RouterService r) {
        if (routers == r) {
            routers = null;
            useLocal();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setCertificates(org.dockerera.api.CertificateService c) {
        certificates = c;
    }

    void unsetCertificates(org.dockerera.api.CertificateService c) {
        if (certificates == c) {
            certificates = null;
        }
    }

    /** In-process mode: feed the backends from the controller here while its services are there. */
    private void useLocal() {
        if (!active || remote) {
            return;
        }
        switchTo(routes != null && routers != null ? new LocalFleet(routes, routers, () -> certificates) : null);
    }

    private void switchTo(Fleet next) {
        feeds.values().forEach(BackendFeed::close);
        feeds.clear();
        fleet = next;
        if (next != null) {
            backends.forEach(this::startFeed);
        }
    }

    private static String readToken(String file) {
        if (file == null || file.isBlank()) {
            throw new IllegalStateException("a remote controllerUrl needs tokenFile (a router-scoped token)");
        }
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the router token from " + file + ": " + e.getMessage(), e);
        }
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        feeds.values().forEach(BackendFeed::close);
        feeds.clear();
        timer.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addBackend(RouterBackend backend) {
        backends.add(backend);
        if (fleet != null) {
            startFeed(backend);
        }
    }

    synchronized void removeBackend(RouterBackend backend) {
        backends.remove(backend);
        BackendFeed f = feeds.remove(backend);
        if (f != null) {
            f.close();
        }
    }

    private synchronized void startFeed(RouterBackend backend) {
        if (feeds.containsKey(backend) || !backends.contains(backend)) {
            return;
        }
        BackendFeed f = new BackendFeed(backend, fleet, timer, retry);
        feeds.put(backend, f);
        f.start();
    }
}
