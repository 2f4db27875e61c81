package org.dockerera.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Certificates made by the real {@code openssl} for tests (shared through the api test-jar). */
public final class TestCertificates {
    /** A self-signed certificate and its key. */
    public record Pair(String cert, String key) {
    }

    private TestCertificates() {
    }

    /**
     * A self-signed certificate for {@code names} (subject alternative names; the first is the CN).
     *
     * @param keyType   {@code rsa:2048} or {@code ec} (P-256)
     * @param days      validity from now
     * @param pkcs1     write an RSA key in the old PKCS#1 form ({@code BEGIN RSA PRIVATE KEY})
     */
    public static Pair selfSigned(Path dir, String keyType, int days, boolean pkcs1, String... names) {
        try {
            Path key = Files.createTempFile(dir, "key", ".pem");
            Path cert = Files.createTempFile(dir, "cert", ".pem");
            List<String> cmd = new ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-subj",
                    "/CN=" + names[0], "-keyout", key.toString(), "-out", cert.toString()));
            if (keyType.equals("ec")) {
                cmd.addAll(List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"));
            } else {
                cmd.addAll(List.of("-newkey", keyType));
            }
            StringBuilder san = new StringBuilder("subjectAltName=");
            for (int i = 0; i < names.length; i++) {
                san.append(i == 0 ? "" : ",").append("DNS:").append(names[i]);
            }
            cmd.addAll(List.of("-addext", san.toString()));
            cmd.addAll(List.of("-days", String.valueOf(days)));
            run(cmd);
            if (pkcs1) {
                Path old = Files.createTempFile(dir, "key1", ".pem");
                run(List.of("openssl", "rsa", "-in", key.toString(), "-out", old.toString(), "-traditional"));
                key = old;
            }
            return new Pair(Files.readString(cert, StandardCharsets.US_ASCII),
                    Files.readString(key, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
