package org.dockerera.store.redis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Locale;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** The TLS side of {@link RedisOptions}: whom to trust and whether to check the host name. */
final class Tls {
    private Tls() {
    }

    /** A socket factory trusting the configured CA file or truststore, else the JVM's CAs. */
    static SSLSocketFactory socketFactory(RedisOptions o) {
        try {
            KeyStore trusted = null;
            if (o.tlsCaFile() != null) {
                trusted = fromPem(Path.of(o.tlsCaFile()));
            } else if (o.tlsTruststore() != null) {
                Path file = Path.of(o.tlsTruststore());
                String type = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
                trusted = KeyStore.getInstance(type);
                try (InputStream in = Files.newInputStream(file)) {
                    trusted.load(in, o.tlsTruststorePassword() == null ? null : o.tlsTruststorePassword().toCharArray());
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS for " + o.endpoint() + " ("
                    + (o.tlsCaFile() != null ? "tlsCaFile " + o.tlsCaFile() : "tlsTruststore " + o.tlsTruststore())
                    + "): " + e.getMessage(), e);
        }
    }

    static SSLParameters parameters(RedisOptions o) {
        SSLParameters p = new SSLParameters();
        if (o.tlsVerifyHostname()) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        return p;
    }

    static KeyStore fromPem(Path pem) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + pem);
        }
        int i = 0;
        for (Certificate c : certs) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        return store;
    }
}
