package org.dockerera.controller.internal.apps;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.dockerera.api.CertificateInfo;
import org.dockerera.api.DockereraException;

/**
 * A certificate chain and its private key from PEM text, checked: the chain parses, the key parses (PKCS#8, or PKCS#1
 * RSA which is converted), the key belongs to the leaf, the leaf is valid now and names the host. Pure: no store.
 *
 * @param chain    the certificates, leaf first
 * @param chainPem the chain re-encoded as PEM
 * @param keyPem   the key as PKCS#8 PEM
 */
record PemCertificate(List<X509Certificate> chain, String chainPem, String keyPem) {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    /** rsaEncryption AlgorithmIdentifier: SEQUENCE { OID 1.2.840.113549.1.1.1, NULL }. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    /**
     * Parses and checks the pair for {@code host} at {@code now}.
     *
     * @throws DockereraException 422 {@code invalid-certificate} saying what is wrong and what to do
     */
    static PemCertificate parse(String certPem, String keyPem, String host, Instant now) {
        if (certPem == null || certPem.isBlank()) {
            throw invalid("field 'cert' is required: the PEM certificate, leaf first, then any intermediates");
        }
        if (keyPem == null || keyPem.isBlank()) {
            throw invalid("field 'key' is required: the certificate's PEM private key");
        }
        List<X509Certificate> chain = new ArrayList<>();
        StringBuilder chainText = new StringBuilder();
        Matcher m = BLOCK.matcher(certPem);
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("X.509 unavailable", e);
        }
        while (m.find()) {
            if (!m.group(1).equals("CERTIFICATE")) {
                throw invalid("'cert' holds a " + m.group(1) + " block; it must hold CERTIFICATE blocks only "
                        + "(the key goes in 'key')");
            }
            byte[] der = decode(m.group(2), "'cert'");
            try {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException e) {
                throw invalid("'cert' holds a CERTIFICATE block that is not an X.509 certificate: " + e.getMessage());
            }
            chainText.append(pem("CERTIFICATE", der));
        }
        if (chain.isEmpty()) {
            throw invalid("'cert' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        PrivateKey key = key(keyPem);
        X509Certificate leaf = chain.get(0);
        if (!matches(key, leaf)) {
            throw invalid("the key does not belong to the certificate (the first one in 'cert' must be the leaf "
                    + "the key was made for)");
        }
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw invalid("the certificate expired on " + leaf.getNotAfter().toInstant() + "; upload a renewed one");
        }
        List<String> names = names(leaf);
        if (names.stream().noneMatch(n -> covers(n, host))) {
            throw invalid("the certificate is for " + String.join(", ", names) + ", not " + host);
        }
        return new PemCertificate(List.copyOf(chain), chainText.toString(), pem("PRIVATE KEY", key.getEncoded()));
    }

    /** What the API shows of it. */
    CertificateInfo info(String domain, String app) {
        X509Certificate leaf = chain.get(0);
        return new CertificateInfo(domain, app, leaf.getSubjectX500Principal().getName(),
                leaf.getIssuerX500Principal().getName(), names(leaf), leaf.getNotBefore().toInstant(),
                leaf.getNotAfter().toInstant(), fingerprint(leaf));
    }

    static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** The DNS subject alternative names, or the subject's CN when there are none; lower case. */
    static List<String> names(X509Certificate c) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw invalid("the certificate's subject alternative names do not parse: " + e.getMessage());
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                    }
                }
            } catch (InvalidNameException e) {
                throw invalid("the certificate's subject does not parse: " + e.getMessage());
            }
        }
        return names;
    }

    /**
     * Whether a certificate name serves {@code host}: equal, or a wildcard {@code *.shop.com} for exactly one label
     * in front ({@code www.shop.com}), or the same wildcard for a wildcard host.
     */
    static boolean covers(String name, String host) {
        if (name.equals(host)) {
            return true;
        }
        if (name.startsWith("*.") && !host.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(name.substring(1));
        }
        return false;
    }

    private static PrivateKey key(String keyPem) {
        Matcher m = BLOCK.matcher(keyPem);
        if (!m.find()) {
            throw invalid("'key' holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        String type = m.group(1);
        byte[] der = decode(m.group(2), "'key'");
        byte[] pkcs8;
        switch (type) {
            case "PRIVATE KEY":
                pkcs8 = der;
                break;
            case "RSA PRIVATE KEY":
                pkcs8 = rsaToPkcs8(der);
                break;
            case "ENCRYPTED PRIVATE KEY":
                throw invalid("'key' is encrypted; upload it unencrypted (openssl pkcs8 -topk8 -nocrypt -in key.pem); "
                        + "it is stored sealed under the cluster key");
            default:
                throw invalid("'key' is a " + type + "; convert it to PKCS#8 with "
                        + "openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // next algorithm
            }
        }
        throw invalid("'key' is not an RSA, EC or EdDSA private key this server can read");
    }

    private static boolean matches(PrivateKey key, X509Certificate leaf) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(leaf.getPublicKey());
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
    static byte[] rsaToPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        body.writeBytes(length(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(length(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }

    private static byte[] decode(String base64, String field) {
        try {
            return Base64.getMimeDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw invalid(field + " holds a PEM block that is not base64");
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static DockereraException invalid(String detail) {
        return DockereraException.invalid("invalid-certificate", detail);
    }
}
