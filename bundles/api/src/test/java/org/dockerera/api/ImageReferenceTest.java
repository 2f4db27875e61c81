package org.dockerera.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @Test
    void splitsRegistryRepositoryTagAndDigest() {
        assertThat(ImageReference.parse("127.0.0.1:5000/web:v2"))
                .isEqualTo(new ImageReference("127.0.0.1:5000", "127.0.0.1:5000/web", "v2", null));
        assertThat(ImageReference.parse("registry.example.com/team/app@" + DIGEST))
                .isEqualTo(new ImageReference("registry.example.com", "registry.example.com/team/app", null, DIGEST));
        assertThat(ImageReference.parse("library/busy_box-2:1.0.3-rc_1"))
                .isEqualTo(new ImageReference(null, "library/busy_box-2", "1.0.3-rc_1", null));
        assertThat(ImageReference.parse("localhost/app").registry()).isEqualTo("localhost");
        assertThat(ImageReference.parse("web:v1@" + DIGEST).pinned()).isTrue();
        assertThat(ImageReference.parse("127.0.0.1:5000/web:v2").toString()).isEqualTo("127.0.0.1:5000/web:v2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"UPPER/bad::tag", "web:", "web::v1", "/web", "web/", "Web:v1", "127.0.0.1:5000/web:v 2",
            "web@sha256:short", "web:-tag", "a//b", ""})
    void refusesMalformedReferencesWithTheReferenceInTheMessage(String bad) {
        assertThatThrownBy(() -> ImageReference.parse(bad))
                .isInstanceOfSatisfying(DockereraException.class, e -> {
                    assertThat(e.slug()).isEqualTo("invalid-image");
                    assertThat(e.kind()).isEqualTo(DockereraException.Kind.INVALID);
                });
    }
}
