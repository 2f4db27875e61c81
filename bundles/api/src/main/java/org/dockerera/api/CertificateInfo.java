package org.dockerera.api;

import java.time.Instant;
import java.util.List;

/**
 * What is known of an uploaded certificate (never its key).
 *
 * @param domain      the host name it serves
 * @param app         the app that host name belongs to
 * @param subject     the leaf's subject DN
 * @param issuer      the leaf's issuer DN
 * @param names       the DNS names it is valid for (subject alternative names, or the CN when it has none)
 * @param notBefore   start of validity
 * @param notAfter    end of validity
 * @param fingerprint SHA-256 of the leaf (DER), lower-case hex
 */
public record CertificateInfo(String domain, String app, String subject, String issuer, List<String> names,
                              Instant notBefore, Instant notAfter, String fingerprint) {
    public CertificateInfo {
        names = names == null ? List.of() : List.copyOf(names);
    }
}
