package org.dockerera.api;

/**
 * PEM text for a mutual-TLS connection. Stored encrypted; never returned by the API.
 *
 * @param ca   the CA certificate(s) the server certificate must chain to
 * @param cert the client certificate
 * @param key  the client private key (PKCS#1 or PKCS#8)
 */
public record TlsMaterial(String ca, String cert, String key) {
    @Override
    public String toString() {
        return "TlsMaterial[ca=" + (ca != null) + ", cert=" + (cert != null) + ", key=" + (key != null ? "***" : null) + "]";
    }
}
