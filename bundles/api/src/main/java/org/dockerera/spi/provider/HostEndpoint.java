package org.dockerera.spi.provider;

import java.time.Duration;
import java.util.Objects;
import org.dockerera.api.TlsMaterial;

/**
 * Where and how to reach a host.
 *
 * @param url            {@code unix:///…} or {@code tcp://host:port}
 * @param tls            client TLS material, or null
 * @param connectTimeout bound on opening a connection
 * @param callTimeout    bound on any single call (pulls get {@code pullTimeout})
 * @param pullTimeout    bound on an image pull
 */
public record HostEndpoint(String url, TlsMaterial tls, Duration connectTimeout, Duration callTimeout,
                           Duration pullTimeout) {
    public HostEndpoint {
        Objects.requireNonNull(url, "url");
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
        callTimeout = callTimeout == null ? Duration.ofSeconds(5) : callTimeout;
        pullTimeout = pullTimeout == null ? Duration.ofMinutes(5) : pullTimeout;
    }

    public static HostEndpoint of(String url) {
        return new HostEndpoint(url, null, null, null, null);
    }
}
