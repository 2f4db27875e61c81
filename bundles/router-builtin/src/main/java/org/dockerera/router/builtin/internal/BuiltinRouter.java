package org.dockerera.router.builtin.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import org.dockerera.spi.router.RouteTable;
import org.dockerera.spi.router.RouterBackend;
import org.dockerera.spi.router.TlsCertificate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The built-in router as a {@link RouterBackend} service ({@code dockerera.router=builtin}). */
@Component(service = RouterBackend.class, property = RouterBackend.PROPERTY + "=builtin",
        configurationPid = BuiltinRouterConfig.PID)
@Designate(ocd = BuiltinRouterConfig.class)
public class BuiltinRouter implements RouterBackend {
    private static final Logger LOG = LoggerFactory.getLogger(BuiltinRouter.class);

    private ProxyServer server;
    private String url;

    public BuiltinRouter() {
    }

    @Activate
    void activate(BuiltinRouterConfig c) throws InterruptedException {
        int threads = c.ioThreads() > 0 ? c.ioThreads() : Runtime.getRuntime().availableProcessors();
        server = new ProxyServer(new ProxyServer.Settings(c.listenHost(), c.port(), threads,
                Duration.ofMillis(c.connectTimeoutMs()), Duration.ofMillis(c.responseTimeoutMs()),
                Duration.ofMillis(c.idleTimeoutMs()), c.ejectAfterFailures(), Duration.ofMillis(c.ejectForMs()),
                "least-requests".equalsIgnoreCase(c.balance().trim()), c.httpsPort(), c.httpsRedirectPort()));
        url = c.advertisedUrl().isBlank() ? "http://" + advertisedHost(c.listenHost()) + ":" + server.port()
                : c.advertisedUrl();
        LOG.info("built-in router serves {} (advertised as {}){}", c.listenHost() + ":" + server.port(), url,
                server.httpsPort() < 0 ? "" : ", HTTPS on port " + server.httpsPort());
    }

    static String advertisedHost(String listen) {
        if (!listen.equals("0.0.0.0") && !listen.equals("::")) {
            return listen;
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    public String type() {
        return "builtin";
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public void apply(RouteTable table) {
        if (server.apply(table)) {
            LOG.debug("serving route table epoch {} ({} routes)", table.epoch(), table.routes().size());
        }
    }

    @Override
    public void apply(RouteTable table, Map<String, TlsCertificate> certificates) {
        if (server.apply(table, certificates)) {
            LOG.debug("serving route table epoch {} ({} routes, {} certificates)", table.epoch(),
                    table.routes().size(), certificates.size());
        }
    }

    @Override
    public boolean terminatesTls() {
        return server.httpsPort() >= 0;
    }

    @Override
    public long servedEpoch() {
        return server.routes().epoch();
    }

    @Override
    public Health health() {
        return server.serving() ? new Health(true, "listening on port " + server.port() + ", epoch "
                + servedEpoch()) : new Health(false, "not listening");
    }

    @Override
    public Map<String, AppStats> stats() {
        return server.stats.snapshot();
    }
}
