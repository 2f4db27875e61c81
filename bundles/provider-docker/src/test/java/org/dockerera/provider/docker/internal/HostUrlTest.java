package org.dockerera.provider.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.dockerera.api.DockereraException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which host addresses the provider takes, and what it says about the others. */
class HostUrlTest {

    @Test
    void unixSocketsNeedAnAbsolutePath() {
        HostUrl url = HostUrl.parse("unix:///var/run/docker.sock", false);

        assertThat(url.unix()).isTrue();
        assertThat(url.path()).isEqualTo("/var/run/docker.sock");
        assertThat(url.dockerUri()).isEqualTo(URI.create("unix:///var/run/docker.sock"));
    }

    @ParameterizedTest
    @CsvSource({"tcp://127.0.0.2:2375, false, 127.0.0.2, 2375", "tcp://127.0.0.9:2376, true, 127.0.0.9, 2376",
        "tcp://docker-1.example:2375/, false, docker-1.example, 2375", "tcp://10.0.0.1, false, 10.0.0.1, 2375",
        "tcp://10.0.0.1, true, 10.0.0.1, 2376", "TCP://[::1]:2375, false, [::1], 2375"})
    void tcpTakesAHostAndAPortDefaultingByTls(String given, boolean tls, String host, int port) {
        HostUrl url = HostUrl.parse(given, tls);

        assertThat(url.unix()).isFalse();
        assertThat(url.host()).isEqualTo(host);
        assertThat(url.port()).isEqualTo(port);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://127.0.0.1:2375 | the scheme must be unix:// or tcp://",
        "127.0.0.1:2375 | the scheme must be unix:// or tcp://",
        "npipe:////./pipe/docker_engine | the scheme must be unix:// or tcp://",
        "unix://var/run/docker.sock | a unix socket URL has no host part",
        "unix:/// | the socket path must be absolute",
        "tcp:// | the host is missing",
        "tcp://:2375 | the host is missing",
        "tcp://host:2375/v1.41 | a tcp URL takes no path",
        "tcp://host:2375?tls=1 | it has a query or fragment",
        "tcp://user:pw@host:2375 | credentials in the URL are not supported",
        "tcp://host:70000 | the port must be 1-65535",
        "tcp://host: | the port is empty",
        "tcp://ho st:1 | it is not a URL",
    })
    void rejectsWithAReasonAndAnExample(String given, String reason) {
        assertThatThrownBy(() -> HostUrl.parse(given, false))
                .isInstanceOf(DockereraException.class)
                .hasMessageContaining("host URL '" + given + "' is not valid: ")
                .hasMessageContaining(reason)
                .hasMessageContaining("use unix:///path/to/docker.sock or tcp://host:port")
                .satisfies(e -> assertThat(((DockereraException) e).slug()).isEqualTo("invalid-host-url"))
                .satisfies(e -> assertThat(((DockereraException) e).kind()).isEqualTo(DockereraException.Kind.INVALID));
    }

    @Test
    void emptyAndTlsOverUnixAreRejected() {
        assertThatThrownBy(() -> HostUrl.parse(" ", false)).hasMessageContaining("it is empty");
        assertThatThrownBy(() -> HostUrl.parse(null, false)).hasMessageContaining("it is empty");
        assertThatThrownBy(() -> HostUrl.parse("unix:///run/docker.sock", true))
                .hasMessageContaining("TLS material applies to tcp:// hosts only");
    }

    @ParameterizedTest
    @ValueSource(strings = {"unix:///x.sock", "tcp://h:1", "TCP://H:1", " tcp://h:1"})
    void supportsUnixAndTcp(String url) {
        assertThat(HostUrl.supported(url)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://h:1", "ssh://h", "npipe:////./pipe/x", "", "unix:/x"})
    void doesNotSupportOtherSchemes(String url) {
        assertThat(HostUrl.supported(url)).isFalse();
        assertThat(HostUrl.supported(null)).isFalse();
    }
}
