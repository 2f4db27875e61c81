package org.dockerera.router.agent.internal;

import java.util.function.Consumer;
import org.dockerera.api.DockereraException;
import org.dockerera.api.RouteService;
import org.dockerera.api.RouterService;
import org.dockerera.spi.router.RouteTable;

/** The fleet protocol through the controller's services in the same Karaf. */
final class LocalFleet implements Fleet {
    private final RouteService routes;
    private final RouterService routers;
    private final java.util.function.Supplier<org.dockerera.api.CertificateService> certificates;

    LocalFleet(RouteService routes, RouterService routers,
               java.util.function.Supplier<org.dockerera.api.CertificateService> certificates) {
        this.routes = routes;
        this.routers = routers;
        this.certificates = certificates;
    }

    @Override
    public org.dockerera.spi.router.TlsCertificate certificate(String host) {
        org.dockerera.api.CertificateService c = certificates.get();
        if (c == null) {
            throw new IllegalStateException("the certificate service is not running in this Karaf");
        }
        return c.material(host);
    }

    @Override
    public Lease register(String type, String url) {
        RouterService.RouterLease l = routers.register(new RouterService.RouterSpec(type, url));
        return new Lease(l.id(), l.leaseMs());
    }

    @Override
    public Lease ack(String id, long epoch,
                     java.util.Map<String, org.dockerera.spi.router.RouterBackend.AppStats> stats) {
        try {
            RouterService.RouterLease l = routers.ack(id, epoch);
            if (stats != null) {
                routers.report(id, stats);
            }
            return new Lease(l.id(), l.leaseMs());
        } catch (DockereraException e) {
            if ("router-not-found".equals(e.slug())) {
                throw new NotRegistered(id);
            }
            throw e;
        }
    }

    @Override
    public void leave(String id) {
        routers.leave(id);
    }

    @Override
    public AutoCloseable follow(long lastEpoch, Consumer<RouteTable> onTable, Consumer<Throwable> onBroken) {
        RouteService.Subscription s = routes.subscribe(onTable);
        return s::close;
    }
}
