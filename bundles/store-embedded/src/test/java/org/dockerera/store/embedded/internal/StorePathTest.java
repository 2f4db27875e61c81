package org.dockerera.store.embedded.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.dockerera.api.DockereraException;
import org.junit.jupiter.api.Test;

class StorePathTest {
    private static final Path FALLBACK = Path.of("/fallback/store.mv");

    @Test
    void theDefaultPathLandsInKarafData() {
        Path p = StorePath.resolve("${karaf.data}/dockerera/store.mv", Map.of("karaf.data", "/opt/karaf/data")::get,
                FALLBACK);

        assertThat(p).isEqualTo(Path.of("/opt/karaf/data/dockerera/store.mv"));
    }

    @Test
    void severalPlaceholdersAndPlainPathsResolve() {
        Map<String, String> props = Map.of("karaf.home", "/k", "name", "x$y");

        assertThat(StorePath.resolve("${karaf.home}/${name}.mv", props::get, FALLBACK)).isEqualTo(Path.of("/k/x$y.mv"));
        assertThat(StorePath.resolve("/var/lib/dockerera/store.mv", props::get, FALLBACK))
                .isEqualTo(Path.of("/var/lib/dockerera/store.mv"));
    }

    @Test
    void aBlankPathMeansTheFallback() {
        assertThat(StorePath.resolve("  ", k -> null, FALLBACK)).isEqualTo(FALLBACK);
    }

    @Test
    void anUnsetPropertyIsAnErrorThatSaysWhatToSet() {
        assertThatThrownBy(() -> StorePath.resolve("${nope}/store.mv", k -> null, FALLBACK))
                .isInstanceOf(DockereraException.class)
                .hasMessageContaining("${nope}")
                .hasMessageContaining("org.dockerera.store.embedded.cfg");
    }
}
