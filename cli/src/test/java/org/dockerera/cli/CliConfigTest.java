package org.dockerera.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliConfigTest {
    @TempDir
    Path dir;

    @Test
    void profilesRoundTripAndTheFileAndItsDirectoryAreOnlyTheOwners() throws Exception {
        Path file = dir.resolve("new/config");
        CliConfig c = CliConfig.load(file);
        assertThat(c.profileName(null)).isEqualTo("default");
        c.put("default", new CliConfig.Profile("http://127.0.0.1:8181", "dke_a"), true);
        c.put("prod", new CliConfig.Profile("http://10.0.0.5:8181", "dke_b"), false);
        c.save();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        CliConfig again = CliConfig.load(file);
        assertThat(again.profileName(null)).isEqualTo("default");
        assertThat(again.profileName("prod")).isEqualTo("prod");
        assertThat(again.profile("prod")).isEqualTo(new CliConfig.Profile("http://10.0.0.5:8181", "dke_b"));
        assertThat(again.profile("default").token()).isEqualTo("dke_a");

        again.put("prod", new CliConfig.Profile("http://10.0.0.6:8181", "dke_c"), true);
        again.save();
        assertThat(CliConfig.load(file).profileName(null)).isEqualTo("prod");
        assertThat(Files.list(file.getParent())).as("no temporary file left behind").hasSize(1);
    }

    @Test
    void aBrokenLineIsAUsageErrorNamingTheLine() throws Exception {
        Path file = dir.resolve("config");
        Files.writeString(file, "[default]\nurl = http://x\nthis is not a setting\n");
        assertThatThrownBy(() -> CliConfig.load(file)).isInstanceOf(CliException.class)
                .hasMessageContaining("line 3").extracting(e -> ((CliException) e).exitCode())
                .isEqualTo(ExitCodes.USAGE);
    }
}
