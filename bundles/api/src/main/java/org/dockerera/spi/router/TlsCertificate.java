package org.dockerera.spi.router;

import java.util.Objects;

/**
 * A certificate and its private key for one host name, as a router that terminates TLS needs them. Handed to
 * {@link RouterBackend#apply(RouteTable, java.util.Map)} by the router agent, never stored in a route table.
 *
 * @param host        the host name of the route ({@code shop.com} or {@code *.shop.com})
 * @param fingerprint SHA-256 of the leaf certificate (DER), lower-case hex; the {@link Route#tls()} it answers
 * @param chainPem    the leaf certificate followed by its intermediates, PEM
 * @param keyPem      the private key, PKCS#8 PEM ({@code BEGIN PRIVATE KEY})
 */
public record TlsCertificate(String host, String fingerprint, String chainPem, String keyPem) {
    public TlsCertificate {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(chainPem, "chainPem");
        Objects.requireNonNull(keyPem, "keyPem");
    }

    @Override
    public String toString() {
        return "TlsCertificate[host=" + host + ", fingerprint=" + fingerprint + ", key=***]";
    }
}
