package org.dockerera.provider.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Annotation;
import java.time.Duration;
import org.dockerera.api.DockereraException;
import org.dockerera.api.TlsMaterial;
import org.dockerera.spi.provider.HostConnection;
import org.dockerera.spi.provider.HostEndpoint;
import org.junit.jupiter.api.Test;

/** The provider's own contract: what it accepts, what it refuses up front, and that connecting is free. */
class DockerProviderTest {

    private final DockerProvider provider = new DockerProvider();

    @Test
    void isTheDockerProvider() {
        assertThat(provider.name()).isEqualTo("docker");
        assertThat(provider.supports("unix:///var/run/docker.sock")).isTrue();
        assertThat(provider.supports("tcp://127.0.0.1:2376")).isTrue();
        assertThat(provider.supports("ssh://host")).isFalse();
    }

    @Test
    void connectingContactsNothing() {
        try (HostConnection c = provider.connect(HostEndpoint.of("tcp://192.0.2.1:2375"))) {
            assertThat(c).isNotNull();
            assertThat(provider.openConnections()).isEqualTo(1);
        }
        assertThat(provider.openConnections()).isZero();
    }

    @Test
    void badUrlsAndTlsMaterialAreRejectedAtConnect() {
        assertThatThrownBy(() -> provider.connect(HostEndpoint.of("http://h:2375")))
                .isInstanceOf(DockereraException.class)
                .satisfies(e -> assertThat(((DockereraException) e).slug()).isEqualTo("invalid-host-url"));
        assertThatThrownBy(() -> provider.connect(new HostEndpoint("tcp://h:2376",
                new TlsMaterial(PemTlsTest.pem("ca.pem"), PemTlsTest.pem("client-rsa.pem"), "not a key"), null, null, null)))
                .isInstanceOf(DockereraException.class)
                .satisfies(e -> assertThat(((DockereraException) e).slug()).isEqualTo("invalid-tls"));
        assertThatThrownBy(() -> provider.connect(new HostEndpoint("tcp://h:2376", null, null, Duration.ofSeconds(-1), null)))
                .isInstanceOf(DockereraException.class)
                .hasMessageContaining("timeouts must be positive");
        assertThat(provider.openConnections()).isZero();
    }

    @Test
    void configuredTimeoutsReplaceOnlyTheBuiltInDefaults() {
        provider.configure(config(1000, 9000, 60000, 4));
        DockerProvider.Settings s = DockerProvider.Settings.of(config(1000, 9000, 60000, 4));
        assertThat(s).isEqualTo(new DockerProvider.Settings(Duration.ofSeconds(1), Duration.ofSeconds(9),
                Duration.ofMinutes(1), 4));
        assertThat(DockerProvider.Settings.of(config(0, -1, 0, 0))).isEqualTo(DockerProvider.Settings.DEFAULTS);
    }

    private static DockerProviderConfig config(long connect, long call, long pull, int max) {
        return new DockerProviderConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return DockerProviderConfig.class;
            }

            @Override
            public long connectTimeoutMs() {
                return connect;
            }

            @Override
            public long callTimeoutMs() {
                return call;
            }

            @Override
            public long pullTimeoutMs() {
                return pull;
            }

            @Override
            public int maxConcurrentCallsPerHost() {
                return max;
            }
        };
    }
}
