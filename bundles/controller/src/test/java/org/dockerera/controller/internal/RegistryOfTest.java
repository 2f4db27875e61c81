package org.dockerera.controller.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistryOfTest {
    @ParameterizedTest
    @CsvSource({
            "127.0.0.1:5000/testapp:v1, 127.0.0.1:5000",
            "registry.example.com/team/app@sha256:abc, registry.example.com",
            "localhost/app, localhost",
            "library/nginx, docker.io",
            "nginx, docker.io"})
    void findsTheRegistryAnImageNames(String image, String registry) {
        assertThat(RegistryServiceImpl.registryOf(image)).isEqualTo(registry);
    }
}
