package org.dockerera.provider.docker.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.dockerera.api.DockereraException;
import org.dockerera.spi.provider.ContainerProvider;
import org.dockerera.spi.provider.HostConnection;
import org.dockerera.spi.provider.HostEndpoint;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docker Engine hosts over {@code unix://} sockets and {@code tcp://} (with mutual TLS when the endpoint carries
 * {@link org.dockerera.api.TlsMaterial}), through an embedded docker-java.
 *
 * <p>Timeouts come from the {@link HostEndpoint}. {@code HostEndpoint} fills the ones a host leaves out with
 * built-in defaults (2 s connect, 5 s call, 5 min pull); an endpoint carrying exactly such a built-in default gets
 * this provider's configured value instead, so an operator can widen them for every host at once.
 */
@Component(service = ContainerProvider.class, configurationPid = DockerProvider.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ContainerProvider.PROVIDER_PROPERTY + "=" + DockerProvider.NAME)
@Designate(ocd = DockerProviderConfig.class)
public class DockerProvider implements ContainerProvider {

    static final String PID = "org.dockerera.provider.docker";
    static final String NAME = "docker";

    private static final Logger LOG = LoggerFactory.getLogger(DockerProvider.class);
    private static final HostEndpoint BUILT_IN = HostEndpoint.of("unix:///");

    /** Provider-wide settings. */
    record Settings(Duration connectTimeout, Duration callTimeout, Duration pullTimeout, int maxConcurrentCalls) {
        static final Settings DEFAULTS = new Settings(BUILT_IN.connectTimeout(), BUILT_IN.callTimeout(),
                BUILT_IN.pullTimeout(), 8);

        static Settings of(DockerProviderConfig c) {
            return new Settings(positive(c.connectTimeoutMs(), DEFAULTS.connectTimeout),
                    positive(c.callTimeoutMs(), DEFAULTS.callTimeout), positive(c.pullTimeoutMs(), DEFAULTS.pullTimeout),
                    c.maxConcurrentCallsPerHost() > 0 ? c.maxConcurrentCallsPerHost() : DEFAULTS.maxConcurrentCalls);
        }

        private static Duration positive(long ms, Duration fallback) {
            return ms > 0 ? Duration.ofMillis(ms) : fallback;
        }
    }

    private final Set<DockerHostConnection> open = ConcurrentHashMap.newKeySet();
    private volatile Settings settings = Settings.DEFAULTS;

    public DockerProvider() {
    }

    DockerProvider(Settings settings) {
        this.settings = settings;
    }

    @Activate
    @Modified
    void configure(DockerProviderConfig config) {
        settings = Settings.of(config);
        LOG.debug("Docker provider settings: {}", settings);
    }

    @Deactivate
    void deactivate() {
        for (DockerHostConnection c : List.copyOf(open)) {
            c.close();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(String url) {
        return HostUrl.supported(url);
    }

    @Override
    public HostConnection connect(HostEndpoint endpoint) {
        if (endpoint == null) {
            throw DockereraException.invalid(HostUrl.INVALID, "no host endpoint was given");
        }
        HostUrl url = HostUrl.parse(endpoint.url(), endpoint.tls() != null);
        SSLContext ssl = endpoint.tls() != null ? PemTls.sslContext(endpoint.tls()) : null;
        Settings s = settings;
        Duration connect = pick(endpoint.connectTimeout(), BUILT_IN.connectTimeout(), s.connectTimeout());
        Duration call = pick(endpoint.callTimeout(), BUILT_IN.callTimeout(), s.callTimeout());
        Duration pull = pick(endpoint.pullTimeout(), BUILT_IN.pullTimeout(), s.pullTimeout());
        DockerHostConnection connection = new DockerHostConnection(url, ssl, connect, call, pull,
                s.maxConcurrentCalls(), open::remove);
        open.add(connection);
        return connection;
    }

    /** Connections handed out and not yet closed. */
    int openConnections() {
        return open.size();
    }

    private static Duration pick(Duration given, Duration builtIn, Duration configured) {
        if (given == null || given.equals(builtIn)) {
            return configured;
        }
        if (given.isNegative() || given.isZero()) {
            throw DockereraException.invalid("invalid-timeout", "timeouts must be positive, got " + given);
        }
        return given;
    }
}
