package org.dockerera.controller.internal;

import java.util.concurrent.CompletableFuture;
import org.dockerera.api.DockereraException;
import org.dockerera.api.HostService;
import org.dockerera.api.HostSpec;
import org.dockerera.spi.store.ConfigStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On first start (the store never recorded this step) registers the local Docker daemon when it answers, so the
 * quickstart has a host to deploy to. Off with {@code autoRegisterLocal=false}. Only the controller that holds the
 * lease does it, once it acts.
 */
@Component(configurationPid = ControllerConfig.PID)
public class LocalHostRegistration {
    static final String DONE_KEY = "bootstrap/local-host-registered";
    private static final Logger LOG = LoggerFactory.getLogger(LocalHostRegistration.class);

    @Reference
    private HostService hosts;
    @Reference(target = ConfigStore.ACTIVE)
    private ConfigStore store;
    @Reference
    private org.dockerera.controller.internal.lease.ControllerLease lease;
    private java.util.function.Consumer<Boolean> whenActing;

    @Activate
    void activate(ControllerConfig config) {
        if (!config.autoRegisterLocal()) {
            return;
        }
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        whenActing = acting -> {
            if (acting && done.compareAndSet(false, true)) {
                register(config.localDockerUrl());
            }
        };
        lease.onRoleChange(whenActing);
    }

    @org.osgi.service.component.annotations.Deactivate
    void deactivate() {
        if (whenActing != null) {
            lease.removeRoleListener(whenActing);
        }
    }

    private void register(String url) {
        CompletableFuture.runAsync(() -> {
            try {
                if (store.get(DONE_KEY).isPresent()) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warn("cannot read whether the local host was registered: {}", e.toString());
                return;
            }
            try {
                hosts.add(HostSpec.of(url));
                LOG.info("First start: registered the local Docker daemon {}", url);
            } catch (DockereraException e) {
                LOG.info("First start: local Docker daemon {} not registered: {}", url, e.detail());
            }
            try {
                store.put(DONE_KEY, "true".getBytes(java.nio.charset.StandardCharsets.UTF_8), ConfigStore.ANY_VERSION);
            } catch (RuntimeException e) {
                LOG.warn("cannot record the local host registration", e);
            }
        });
    }

}
