package org.dockerera.spi.router;

import java.util.List;
import java.util.Objects;

/**
 * Where requests for one host name go.
 *
 * @param host          the {@code Host} header value it matches, lower case, without port: {@code my.app.com}, or a
 *                      wildcard {@code *.app.com} matching one or more labels in front of {@code app.com} (an exact
 *                      host wins over a wildcard, a longer wildcard over a shorter one)
 * @param app           the app it belongs to (for stats and error pages)
 * @param backends      published {@code ip:port} addresses of the app's healthy, routed instances; empty: the app has
 *                      no instance to serve (503)
 * @param tls           the SHA-256 fingerprint of the certificate uploaded for this host name, null when it has none;
 *                      routers that terminate TLS fetch the certificate and key by host name and fingerprint (keys
 *                      are never part of a table)
 * @param httpsRedirect plain-HTTP requests for this host are answered with a redirect to HTTPS (only set together
 *                      with {@code tls})
 */
public record Route(String host, String app, List<String> backends, String tls, boolean httpsRedirect) {
    public Route {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(app, "app");
        backends = backends == null ? List.of() : List.copyOf(backends);
        httpsRedirect = httpsRedirect && tls != null;
    }

    /** A plain-HTTP route. */
    public Route(String host, String app, List<String> backends) {
        this(host, app, backends, null, false);
    }
}
