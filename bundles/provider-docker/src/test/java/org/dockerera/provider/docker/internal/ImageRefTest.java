package org.dockerera.provider.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.dockerera.api.DockereraException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How an image reference is split for the Engine's pull, and which repo digest a pull returns. */
class ImageRefTest {

    private static final String SHA = "sha256:" + "a".repeat(64);

    @ParameterizedTest
    @CsvSource({"127.0.0.1:5000/testapp:v1, 127.0.0.1:5000/testapp, v1",
        "127.0.0.1:5000/testapp, 127.0.0.1:5000/testapp, latest", "busybox, busybox, latest",
        "registry.example/team/app:1.2.3, registry.example/team/app, 1.2.3",
        "localhost:5000/a/b/c:x_y, localhost:5000/a/b/c, x_y"})
    void splitsRepositoryAndTag(String image, String repository, String tag) {
        ImageRef ref = ImageRef.parse(image);

        assertThat(ref.repository()).isEqualTo(repository);
        assertThat(ref.tagOrDigest()).isEqualTo(tag);
        assertThat(ref.digest()).isNull();
    }

    @Test
    void aDigestPinsTheImageAndWinsOverATag() {
        assertThat(ImageRef.parse("127.0.0.1:5000/app@" + SHA)).isEqualTo(new ImageRef("127.0.0.1:5000/app", null, SHA));
        assertThat(ImageRef.parse("127.0.0.1:5000/app:v1@" + SHA).tagOrDigest()).isEqualTo(SHA);
    }

    @Test
    void rejectsMalformedReferences() {
        for (String bad : new String[] {"", "a b", "app:", "reg:5000/", "app@sha256:short"}) {
            assertThatThrownBy(() -> ImageRef.parse(bad)).isInstanceOf(DockereraException.class)
                    .satisfies(e -> assertThat(((DockereraException) e).slug()).isEqualTo("invalid-image"));
        }
    }

    @Test
    void thePulledDigestIsReturnedForThePulledRepository() {
        ImageRef ref = ImageRef.parse("127.0.0.1:5000/app:v1");
        List<String> repoDigests = List.of("other/app@sha256:" + "b".repeat(64), "127.0.0.1:5000/app@" + SHA);

        assertThat(DockerHostConnection.repoDigest(ref, SHA, repoDigests)).isEqualTo("127.0.0.1:5000/app@" + SHA);
        assertThat(DockerHostConnection.repoDigest(ref, null, repoDigests)).isEqualTo("127.0.0.1:5000/app@" + SHA);
        assertThat(DockerHostConnection.repoDigest(ref, null, List.of())).isNull();
    }
}
