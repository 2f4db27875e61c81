package org.dockerera.controller.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.dockerera.api.Host;
import org.dockerera.api.HostService;
import org.dockerera.api.HostStatus;
import org.dockerera.api.Info;
import org.dockerera.api.InfoService;
import org.dockerera.api.StoreStatus;
import org.dockerera.spi.provider.ContainerProvider;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.StoreHealth;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** {@code GET /api/info}: version, store status, providers, counts. Never contacts a host. */
@Component(service = InfoService.class)
public class InfoServiceImpl implements InfoService {
    @Reference(target = ConfigStore.ACTIVE)
    private ConfigStore store;
    @Reference
    private HostService hosts;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile org.dockerera.api.LeadershipService leadership;
    private final List<ContainerProvider> providers = new CopyOnWriteArrayList<>();
    private String version = "unknown";

    @Activate
    void activate(BundleContext context) {
        version = context.getBundle().getVersion().toString();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addProvider(ContainerProvider provider) {
        providers.add(provider);
    }

    void removeProvider(ContainerProvider provider) {
        providers.remove(provider);
    }

    @Override
    public Info info() {
        StoreHealth h = store.health();
        List<Host> all = hosts.list();
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("hosts", all.size());
        counts.put("hostsUp", (int) all.stream().filter(x -> x.status() == HostStatus.UP).count());
        counts.put("containers", all.stream().mapToInt(Host::containers).sum());
        return new Info(version, new StoreStatus(h.backend(), h.endpoint(), h.revision(), h.up() ? "up" : "down"),
                providers.stream().map(ContainerProvider::name).collect(Collectors.joining(",")), counts,
                leadership == null ? null : leadership.current());
    }
}
