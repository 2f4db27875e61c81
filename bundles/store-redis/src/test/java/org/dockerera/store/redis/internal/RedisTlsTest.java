package org.dockerera.store.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.StoreUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS against a real redis-server with a TLS port, its certificate (SAN IP:127.0.0.1) signed by a CA that openssl
 * makes for the test: trusted through {@code tlsCaFile}, refused without it.
 */
class RedisTlsTest {
    @TempDir
    static Path dir;
    static RedisServer server;
    static int tlsPort;
    private final List<RedisConfigStore> stores = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-subj", "/CN=dockerera-test-ca", "-days", "2");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=127.0.0.1");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "2", "-extfile", "san.ext");
        tlsPort = RedisServer.freePort();
        server = RedisServer.start(dir.resolve("redis"), List.of("--tls-port", Integer.toString(tlsPort),
                "--tls-cert-file", dir.resolve("server.crt").toString(),
                "--tls-key-file", dir.resolve("server.key").toString(),
                "--tls-ca-cert-file", dir.resolve("ca.crt").toString(), "--tls-auth-clients", "no"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.kill();
        }
    }

    @AfterEach
    void close() {
        stores.forEach(RedisConfigStore::close);
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.out").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: "
                    + Files.readString(dir.resolve("openssl.out")));
        }
    }

    private RedisConfigStore open(String caFile) {
        RedisStoreConfigValues c = new RedisStoreConfigValues("rediss://127.0.0.1:" + tlsPort, caFile);
        RedisConfigStore s = new RedisConfigStore(RedisOptions.of(c));
        stores.add(s);
        return s;
    }

    @Test
    void aServerCertificateFromTheConfiguredCaIsTrusted() {
        RedisConfigStore store = open(dir.resolve("ca.crt").toString());

        store.put("tls/k", "v".getBytes(UTF_8), ConfigStore.ABSENT);

        assertThat(store.get("tls/k").orElseThrow().valueAsString()).isEqualTo("v");
        assertThat(store.health().up()).isTrue();
        assertThat(store.health().endpoint()).startsWith("rediss://127.0.0.1:");
    }

    @Test
    void withoutTheCaTheServerIsNotTrusted() {
        RedisConfigStore store = open("");

        assertThatThrownBy(() -> store.get("tls/k")).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.health().up()).isFalse();
    }

    /** The cfg as Karaf would hand it over, with a uri and a CA file. */
    private record RedisStoreConfigValues(String uri, String tlsCaFile) implements RedisStoreConfig {
        @Override
        public Class<? extends java.lang.annotation.Annotation> annotationType() {
            return RedisStoreConfig.class;
        }

        @Override
        public String user() {
            return "";
        }

        @Override
        public String password() {
            return "";
        }

        @Override
        public int database() {
            return -1;
        }

        @Override
        public boolean tls() {
            return false; // rediss:// turns it on
        }

        @Override
        public String tlsTruststore() {
            return "";
        }

        @Override
        public String tlsTruststorePassword() {
            return "";
        }

        @Override
        public boolean tlsVerifyHostname() {
            return true;
        }

        @Override
        public String keyPrefix() {
            return "tls:";
        }

        @Override
        public int historyLength() {
            return 1000;
        }

        @Override
        public int connectTimeoutMs() {
            return 2000;
        }

        @Override
        public int socketTimeoutMs() {
            return 2000;
        }

        @Override
        public int poolSize() {
            return 2;
        }
    }
}
