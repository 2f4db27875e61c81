package org.dockerera.provider.docker.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.core.SSLConfig;
import java.net.URI;

/**
 * docker-java client configuration with nothing implicit: unlike {@code DefaultDockerClientConfig} it reads no
 * environment variables, no {@code ~/.docker/config.json} and no system properties, so a pull never picks up
 * credentials of the user Karaf runs as. Registry credentials are passed per pull.
 */
@SuppressWarnings("deprecation")
final class ClientConfig implements DockerClientConfig {

    private static final ObjectMapper MAPPER = DockerClientConfig.getDefaultObjectMapper();

    private final URI dockerHost;

    ClientConfig(URI dockerHost) {
        this.dockerHost = dockerHost;
    }

    @Override
    public URI getDockerHost() {
        return dockerHost;
    }

    /** Unknown: requests go unversioned and the daemon answers with its own API version. */
    @Override
    public RemoteApiVersion getApiVersion() {
        return RemoteApiVersion.unknown();
    }

    @Override
    public String getRegistryUsername() {
        return null;
    }

    @Override
    public String getRegistryPassword() {
        return null;
    }

    @Override
    public String getRegistryEmail() {
        return null;
    }

    @Override
    public String getRegistryUrl() {
        return null;
    }

    @Override
    public AuthConfig effectiveAuthConfig(String imageName) {
        return null;
    }

    @Override
    public AuthConfigurations getAuthConfigurations() {
        return new AuthConfigurations();
    }

    /** TLS is configured on the transport, not here. */
    @Override
    public SSLConfig getSSLConfig() {
        return null;
    }

    /** One shared mapper (the interface's default copies the global one on every call). */
    @Override
    public ObjectMapper getObjectMapper() {
        return MAPPER;
    }
}
