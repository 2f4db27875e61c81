package org.dockerera.provider.docker.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.dockerera.api.DockereraException;
import org.dockerera.api.TlsMaterial;

/**
 * Builds a mutual-TLS {@link SSLContext} from PEM text held in memory: CA certificate(s), a client certificate
 * (chain) and its private key in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or
 * SEC1 ({@code BEGIN EC PRIVATE KEY}) form. Nothing touches the file system; only the JDK is used.
 */
final class PemTls {

    static final String INVALID = "invalid-tls";

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final char[] NO_PASSWORD = new char[0];

    private PemTls() {
    }

    /** One PEM block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY} …), headers and decoded bytes. */
    record Block(String label, boolean encrypted, byte[] der) {
    }

    static SSLContext sslContext(TlsMaterial tls) {
        if (tls == null) {
            throw invalid("no TLS material was given");
        }
        List<X509Certificate> ca = certificates("CA certificate", tls.ca());
        List<X509Certificate> chain = certificates("client certificate", tls.cert());
        PrivateKey key = privateKey(tls.key());
        checkKeyMatches(key, chain.get(0));
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, NO_PASSWORD);

            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < ca.size(); i++) {
                trust.setCertificateEntry("ca-" + i, ca.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);

            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new DockereraException(DockereraException.Kind.INVALID, INVALID, "Invalid value",
                    "the TLS material cannot be used: " + e.getMessage(), e);
        }
    }

    /** Every PEM block in {@code pem}, in order. */
    static List<Block> blocks(String pem) {
        List<Block> blocks = new ArrayList<>();
        if (pem == null) {
            return blocks;
        }
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String label = m.group(1).trim();
            String body = m.group(2);
            boolean encrypted = label.startsWith("ENCRYPTED");
            StringBuilder base64 = new StringBuilder(body.length());
            for (String line : body.split("\\R")) {
                String l = line.trim();
                if (l.isEmpty()) {
                    continue;
                }
                if (l.indexOf(':') > 0) {
                    // RFC 1421 header such as "Proc-Type: 4,ENCRYPTED" or "DEK-Info: …" (base64 has no ':')
                    if (l.startsWith("Proc-Type:") && l.contains("ENCRYPTED")) {
                        encrypted = true;
                    }
                    continue;
                }
                base64.append(l);
            }
            byte[] der;
            try {
                der = Base64.getDecoder().decode(base64.toString());
            } catch (IllegalArgumentException e) {
                throw invalid("the PEM block '" + label + "' is not valid base64");
            }
            blocks.add(new Block(label, encrypted, der));
        }
        return blocks;
    }

    static List<X509Certificate> certificates(String what, String pem) {
        if (pem == null || pem.isBlank()) {
            throw invalid("the " + what + " is missing");
        }
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(pem)) {
                if (block.label().equals("CERTIFICATE") || block.label().equals("X509 CERTIFICATE")
                        || block.label().equals("TRUSTED CERTIFICATE")) {
                    certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException e) {
            throw invalid("the " + what + " is not a valid X.509 certificate (" + e.getMessage() + ")");
        }
        if (certs.isEmpty()) {
            throw invalid("the " + what + " holds no '-----BEGIN CERTIFICATE-----' block");
        }
        return certs;
    }

    static PrivateKey privateKey(String pem) {
        if (pem == null || pem.isBlank()) {
            throw invalid("the client key is missing");
        }
        for (Block block : blocks(pem)) {
            if (block.encrypted()) {
                throw invalid("the client key is encrypted; give it without a passphrase "
                        + "(openssl pkey -in key.pem -out plain-key.pem)");
            }
            switch (block.label()) {
                case "PRIVATE KEY":
                    return pkcs8(block.der());
                case "RSA PRIVATE KEY":
                    return generate("RSA", wrapPkcs1(block.der()));
                case "EC PRIVATE KEY":
                    return generate("EC", wrapSec1(block.der()));
                default:
                    // e.g. "EC PARAMETERS" ahead of the key: skip
            }
        }
        throw invalid("the client key holds no '-----BEGIN PRIVATE KEY-----', "
                + "'-----BEGIN RSA PRIVATE KEY-----' or '-----BEGIN EC PRIVATE KEY-----' block");
    }

    /** PKCS#8: the algorithm is named by the OID inside; try the ones the JDK knows. */
    private static PrivateKey pkcs8(byte[] der) {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException | ClassCastException e) {
                // not this algorithm
            }
        }
        throw invalid("the client key (PKCS#8) is of an unsupported algorithm or corrupt");
    }

    private static PrivateKey generate(String algorithm, byte[] pkcs8) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw invalid("the client key (" + algorithm + ") is corrupt (" + e.getMessage() + ")");
        }
    }

    // --- DER, just enough to wrap PKCS#1 / SEC1 keys into PKCS#8 ---------------------------------------------------

    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] EC_PUBLIC_KEY_OID = {
        0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier rsaEncryption NULL, OCTET STRING pkcs1 } */
    static byte[] wrapPkcs1(byte[] pkcs1) {
        return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM, tlv(0x04, pkcs1)));
    }

    /**
     * SEC1 ECPrivateKey ::= SEQUENCE { version 1, OCTET STRING key, [0] OID namedCurve OPTIONAL, [1] BIT STRING OPTIONAL }
     * becomes PrivateKeyInfo with AlgorithmIdentifier { id-ecPublicKey, namedCurve }.
     */
    static byte[] wrapSec1(byte[] sec1) {
        Der seq = new Der(sec1);
        Der body = seq.enter(0x30);
        body.skip(0x02); // version
        body.skip(0x04); // private key
        byte[] curve = null;
        while (body.hasMore()) {
            int tag = body.peekTag();
            if (tag == 0xa0) {
                Der params = body.enter(0xa0);
                curve = params.raw(0x06);
            } else {
                body.skipAny();
            }
        }
        if (curve == null) {
            throw invalid("the EC client key names no curve; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
        }
        byte[] algorithm = tlv(0x30, concat(EC_PUBLIC_KEY_OID, curve));
        return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, sec1)));
    }

    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int len = value.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A cursor over DER bytes. */
    private static final class Der {
        private final byte[] bytes;
        private int pos;
        private final int end;

        Der(byte[] bytes) {
            this(bytes, 0, bytes.length);
        }

        private Der(byte[] bytes, int start, int end) {
            this.bytes = bytes;
            this.pos = start;
            this.end = end;
        }

        boolean hasMore() {
            return pos < end;
        }

        int peekTag() {
            need(1);
            return bytes[pos] & 0xff;
        }

        /** Steps into a constructed element with {@code tag}. */
        Der enter(int tag) {
            int[] hl = header(tag);
            Der inner = new Der(bytes, hl[0], hl[0] + hl[1]);
            pos = hl[0] + hl[1];
            return inner;
        }

        /** The whole TLV of the next element, which must have {@code tag}. */
        byte[] raw(int tag) {
            int start = pos;
            int[] hl = header(tag);
            pos = hl[0] + hl[1];
            byte[] out = new byte[pos - start];
            System.arraycopy(bytes, start, out, 0, out.length);
            return out;
        }

        void skip(int tag) {
            int[] hl = header(tag);
            pos = hl[0] + hl[1];
        }

        void skipAny() {
            skip(peekTag());
        }

        /** Reads tag and length; returns {contentStart, contentLength}. */
        private int[] header(int tag) {
            need(2);
            int t = bytes[pos] & 0xff;
            if (t != tag) {
                throw invalid("the EC client key is not valid DER (expected tag " + tag + ", found " + t + ")");
            }
            int p = pos + 1;
            int len = bytes[p++] & 0xff;
            if (len >= 0x80) {
                int n = len & 0x7f;
                if (n < 1 || n > 3 || p + n > end) {
                    throw invalid("the EC client key is not valid DER (bad length)");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (bytes[p++] & 0xff);
                }
            }
            if (p + len > end) {
                throw invalid("the EC client key is not valid DER (truncated)");
            }
            return new int[] {p, len};
        }

        private void need(int n) {
            if (pos + n > end) {
                throw invalid("the EC client key is not valid DER (truncated)");
            }
        }
    }

    /** Signs and verifies a probe so a key that does not belong to the certificate is named here, not in a handshake. */
    static void checkKeyMatches(PrivateKey key, X509Certificate cert) {
        PublicKey pub = cert.getPublicKey();
        if (!pub.getAlgorithm().equals(key.getAlgorithm())
                && !(pub.getAlgorithm().equals("EdDSA") || key.getAlgorithm().equals("EdDSA"))) {
            throw invalid("the client key (" + key.getAlgorithm() + ") does not match the client certificate ("
                    + pub.getAlgorithm() + ")");
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return; // cannot probe (e.g. RSASSA-PSS parameters); the handshake will tell
        }
        try {
            byte[] probe = "dockerera-key-probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(pub);
            verifier.update(probe);
            if (!verifier.verify(sig)) {
                throw invalid("the client key does not belong to the client certificate ("
                        + cert.getSubjectX500Principal().getName() + ")");
            }
        } catch (GeneralSecurityException e) {
            throw invalid("the client key does not belong to the client certificate ("
                    + cert.getSubjectX500Principal().getName() + "): " + e.getMessage());
        }
    }

    private static DockereraException invalid(String why) {
        return DockereraException.invalid(INVALID, "TLS material is not usable: " + why
                + "; give the CA, client certificate and unencrypted client key as PEM text");
    }
}
