package org.dockerera.controller.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.dockerera.api.DockereraException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    @TempDir
    Path dir;

    @Test
    void createsTheKeyFileOnceWithOwnerOnlyPermissions() throws Exception {
        Path key = dir.resolve("etc/dockerera.key");
        SecretBox first = SecretBox.loadOrCreate(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        String sealed = first.seal("s3cret");
        String before = Files.readString(key);

        SecretBox again = SecretBox.loadOrCreate(key);
        assertThat(Files.readString(key)).isEqualTo(before);
        assertThat(again.open(sealed)).isEqualTo("s3cret");
    }

    @Test
    void sealedValuesDoNotContainThePlainTextAndDifferEachTime() {
        SecretBox box = SecretBox.loadOrCreate(dir.resolve("k"));
        String a = box.seal("registry-password");
        String b = box.seal("registry-password");
        assertThat(a).startsWith("v1:").doesNotContain("registry-password").isNotEqualTo(b);
        assertThat(box.open(a)).isEqualTo("registry-password");
    }

    @Test
    void anotherClustersKeyCannotOpenASecret() {
        String sealed = SecretBox.loadOrCreate(dir.resolve("a")).seal("x");
        SecretBox other = SecretBox.loadOrCreate(dir.resolve("b"));
        assertThatThrownBy(() -> other.open(sealed))
                .isInstanceOf(DockereraException.class)
                .hasMessageContaining("dockerera.key");
    }

    @Test
    void tamperedCiphertextIsRejected() {
        SecretBox box = SecretBox.loadOrCreate(dir.resolve("k"));
        String sealed = box.seal("value");
        char[] c = sealed.toCharArray();
        c[c.length - 3] = c[c.length - 3] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> box.open(new String(c))).isInstanceOf(DockereraException.class);
    }
}
