package org.dockerera.controller.internal.apps;

import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.dockerera.api.DockereraException;
import org.dockerera.api.RouteService;
import org.dockerera.api.RouterService;
import org.dockerera.spi.router.RouteTable;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The route table and the router fleet, as kept by the deploy engine's {@link RouteFleet}. */
@Component(service = {RouteService.class, RouterService.class})
public class RoutesComponent implements RouteService, RouterService {
    @Reference
    private EngineComponent core;

    public RoutesComponent() {
    }

    /** For tests: no OSGi. */
    RoutesComponent(EngineComponent core) {
        this.core = core;
    }

    private RouteFleet fleet() {
        return core.engine().fleet();
    }

    @Override
    public RouteTable table() {
        return fleet().table();
    }

    @Override
    public RouteService.Subscription subscribe(Consumer<RouteTable> listener) {
        return fleet().subscribe(listener);
    }

    @Override
    public RouterLease register(RouterSpec spec) {
        RouterLease lease = fleet().register(spec);
        core.engine().kickAll();
        return lease;
    }

    @Override
    public RouterLease ack(String id, long epoch) {
        org.dockerera.controller.internal.reconcile.Routers before = fleet().view();
        RouterLease lease = fleet().ack(id, epoch);
        if (!fleet().view().equals(before)) {
            core.engine().kickAll(); // deploys waiting for this acknowledgement go on now
        }
        return lease;
    }

    @Override
    public void report(String id, java.util.Map<String, org.dockerera.spi.router.RouterBackend.AppStats> stats) {
        fleet().report(id, stats);
    }

    @Override
    public java.util.Map<String, org.dockerera.spi.router.RouterBackend.AppStats> stats(String id) {
        return fleet().stats(id);
    }

    @Override
    public void leave(String id) {
        fleet().leave(id);
        core.engine().kickAll();
    }

    @Override
    public List<RouterInfo> list() {
        return fleet().routers().stream().map(fleet()::info).sorted(Comparator.comparing(RouterInfo::id)).toList();
    }

    @Override
    public RouterInfo get(String id) {
        return fleet().router(id).map(fleet()::info).orElseThrow(() -> DockereraException.notFound(
                "router-not-found", "no router '" + id + "'; see GET /api/routers"));
    }
}
