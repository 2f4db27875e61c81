package org.dockerera.controller.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.dockerera.api.DockereraException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostUrlTest {

    @ParameterizedTest
    @CsvSource({
            "unix:///var/run/docker.sock, unix:///var/run/docker.sock",
            "tcp://127.0.0.2:2375, tcp://127.0.0.2:2375",
            "TCP://LocalHost:2375/, tcp://localhost:2375",
            "'  tcp://127.0.0.9:2376 ', tcp://127.0.0.9:2376"})
    void acceptsUnixSocketsAndTcpWithPort(String raw, String canonical) {
        assertThat(HostServiceImpl.normalizeUrl(raw, false)).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a url", "ftp://127.0.0.2:21", "tcp://127.0.0.2", "unix://relative/path",
            "tcp://127.0.0.2:2375/v1.41", "127.0.0.2:2375", "tcp://:2375", "tcp://127.0.0.2:99999"})
    void rejectsEverythingElseWithAnActionableMessage(String raw) {
        assertThatThrownBy(() -> HostServiceImpl.normalizeUrl(raw, false))
                .isInstanceOf(DockereraException.class)
                .satisfies(e -> {
                    DockereraException d = (DockereraException) e;
                    assertThat(d.kind()).isEqualTo(DockereraException.Kind.INVALID);
                    assertThat(d.slug()).isEqualTo("invalid-host-url");
                    assertThat(d.detail()).contains(raw.trim().isEmpty() ? "" : "bad host URL");
                });
    }
}
