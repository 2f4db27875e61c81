package org.dockerera.api;

import java.util.List;
import org.dockerera.spi.router.TlsCertificate;

/**
 * TLS certificates for an app's host names (its own name and its extra domains), and whether its plain-HTTP
 * requests are redirected to HTTPS. Private keys are stored sealed under the cluster key and only ever handed to
 * routers ({@link #material}); every change publishes a new route table.
 */
public interface CertificateService {
    /**
     * Stores (or replaces) the certificate of one of the app's host names.
     *
     * @param certPem the leaf certificate first, then any intermediates (PEM)
     * @param keyPem  its private key: PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY})
     * @throws DockereraException 404 {@code app-not-found}; 422 {@code invalid-domain} (not one of the app's host
     *                            names), {@code invalid-certificate} (not PEM, expired, not for this host name, or
     *                            the key does not match)
     */
    CertificateInfo put(String app, String domain, String certPem, String keyPem);

    /** The app's certificates, by host name. */
    List<CertificateInfo> list(String app);

    /** Removes a host name's certificate; removing an absent one is not an error. */
    void remove(String app, String domain);

    /** Whether the app's plain-HTTP requests are redirected to HTTPS (for host names that have a certificate). */
    boolean httpsRedirect(String app);

    /** Turns the redirect on or off; returns the new setting. */
    boolean setHttpsRedirect(String app, boolean redirect);

    /**
     * The certificate and key a router serves for {@code host} (a route's host name).
     *
     * @throws DockereraException 404 {@code certificate-not-found}
     */
    TlsCertificate material(String host);
}
