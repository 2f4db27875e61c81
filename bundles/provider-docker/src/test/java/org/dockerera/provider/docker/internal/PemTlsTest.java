package org.dockerera.provider.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.dockerera.api.DockereraException;
import org.dockerera.api.TlsMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PEM text in memory to a mutual-TLS context: key formats, mismatches, and a real handshake. */
class PemTlsTest {

    static String pem(String name) {
        try (InputStream in = PemTlsTest.class.getResourceAsStream("/tls/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("test fixture tls/" + name, e);
        }
    }

    @ParameterizedTest
    @CsvSource({"client-rsa-pkcs8.key, RSA", "client-rsa-pkcs1.key, RSA", "client-ec-sec1.key, EC",
        "client-ec-pkcs8.key, EC"})
    void readsPkcs8Pkcs1AndSec1Keys(String file, String algorithm) {
        PrivateKey key = PemTls.privateKey(pem(file));

        assertThat(key.getAlgorithm()).isEqualTo(algorithm);
        assertThat(key.getFormat()).isEqualTo("PKCS#8");
    }

    @Test
    void pkcs1AndPkcs8FormsOfOneRsaKeyAreTheSameKey() {
        RSAPrivateCrtKey a = (RSAPrivateCrtKey) PemTls.privateKey(pem("client-rsa-pkcs1.key"));
        RSAPrivateCrtKey b = (RSAPrivateCrtKey) PemTls.privateKey(pem("client-rsa-pkcs8.key"));

        assertThat(a.getModulus()).isEqualTo(b.getModulus());
        assertThat(a.getPrivateExponent()).isEqualTo(b.getPrivateExponent());
    }

    @Test
    void sec1AndPkcs8FormsOfOneEcKeyAreTheSameKey() {
        ECPrivateKey a = (ECPrivateKey) PemTls.privateKey(pem("client-ec-sec1.key"));
        ECPrivateKey b = (ECPrivateKey) PemTls.privateKey(pem("client-ec-pkcs8.key"));

        assertThat(a.getS()).isEqualTo(b.getS());
        assertThat(a.getParams().getCurve()).isEqualTo(b.getParams().getCurve());
    }

    @Test
    void buildsAContextForEachKeyForm() {
        for (String[] pair : new String[][] {{"client-rsa.pem", "client-rsa-pkcs1.key"},
            {"client-rsa.pem", "client-rsa-pkcs8.key"}, {"client-ec.pem", "client-ec-sec1.key"},
            {"client-ec.pem", "client-ec-pkcs8.key"}}) {
            SSLContext context = PemTls.sslContext(new TlsMaterial(pem("ca.pem"), pem(pair[0]), pem(pair[1])));
            assertThat(context.getProtocol()).isEqualTo("TLS");
        }
    }

    @Test
    void toleratesTextAroundBlocksAndWindowsLineEnds() {
        String cert = "Bag Attributes\n    friendlyName: client\nsubject=CN=client-rsa\n" + pem("client-rsa.pem");
        String key = pem("client-rsa-pkcs1.key").replace("\n", "\r\n");

        assertThat(PemTls.sslContext(new TlsMaterial(pem("ca.pem"), cert, key))).isNotNull();
    }

    @Test
    void acceptsSeveralCaCertificates() {
        assertThat(PemTls.certificates("CA certificate", pem("other-ca.pem") + pem("ca.pem"))).hasSize(2);
    }

    @Test
    void rejectsEncryptedKeysSayingHowToDecryptThem() {
        for (String file : new String[] {"client-rsa-encrypted.key", "client-rsa-pkcs1-encrypted.key"}) {
            assertThatThrownBy(() -> PemTls.privateKey(pem(file)))
                    .isInstanceOf(DockereraException.class)
                    .hasMessageContaining("encrypted")
                    .hasMessageContaining("openssl pkey")
                    .satisfies(e -> assertThat(((DockereraException) e).slug()).isEqualTo("invalid-tls"));
        }
    }

    @Test
    void rejectsAKeyThatDoesNotBelongToTheCertificate() {
        assertThatThrownBy(() -> PemTls.sslContext(new TlsMaterial(pem("ca.pem"), pem("client-rsa.pem"), pem("stray.key"))))
                .isInstanceOf(DockereraException.class)
                .hasMessageContaining("does not belong to the client certificate (CN=client-rsa)");
        assertThatThrownBy(() -> PemTls.sslContext(new TlsMaterial(pem("ca.pem"), pem("client-ec.pem"), pem("stray.key"))))
                .isInstanceOf(DockereraException.class)
                .hasMessageContaining("does not match the client certificate");
    }

    @Test
    void namesWhatIsMissingOrMalformed() {
        assertThatThrownBy(() -> PemTls.sslContext(new TlsMaterial(null, pem("client-rsa.pem"), pem("stray.key"))))
                .hasMessageContaining("the CA certificate is missing");
        assertThatThrownBy(() -> PemTls.sslContext(new TlsMaterial(pem("ca.pem"), pem("client-rsa-pkcs8.key"), pem("stray.key"))))
                .hasMessageContaining("the client certificate holds no '-----BEGIN CERTIFICATE-----' block");
        assertThatThrownBy(() -> PemTls.sslContext(new TlsMaterial(pem("ca.pem"), pem("client-rsa.pem"), pem("ca.pem"))))
                .hasMessageContaining("the client key holds no");
        assertThatThrownBy(() -> PemTls.certificates("CA certificate",
                "-----BEGIN CERTIFICATE-----\nMIIBbad=\n-----END CERTIFICATE-----\n"))
                .hasMessageContaining("not a valid X.509 certificate");
        assertThatThrownBy(() -> PemTls.privateKey("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----"))
                .hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> PemTls.privateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
                .hasMessageContaining("unsupported algorithm or corrupt");
    }

    @Test
    void aContextFromPemCompletesAMutualTlsHandshake() throws Exception {
        SSLContext server = PemTls.sslContext(new TlsMaterial(pem("ca.pem"), pem("server.pem"), pem("server.key")));
        SSLContext client = PemTls.sslContext(new TlsMaterial(pem("ca.pem"), pem("client-ec.pem"), pem("client-ec-sec1.key")));

        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            CompletableFuture<String> peer = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                    String name = s.getSession().getPeerPrincipal().getName();
                    s.getOutputStream().write(1);
                    return name;
                } catch (IOException e) {
                    return "failed: " + e;
                }
            });
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
                s.startHandshake();
                assertThat(s.getSession().getPeerPrincipal().getName()).isEqualTo("CN=localhost");
                assertThat(s.getInputStream().read()).isEqualTo(1);
            }
            assertThat(peer.get(5, TimeUnit.SECONDS)).isEqualTo("CN=client-ec");
        }
    }

    @Test
    void aContextTrustsOnlyItsOwnCa() throws Exception {
        SSLContext server = PemTls.sslContext(new TlsMaterial(pem("ca.pem"), pem("server.pem"), pem("server.key")));
        SSLContext client = PemTls.sslContext(
                new TlsMaterial(pem("other-ca.pem"), pem("client-rsa.pem"), pem("client-rsa-pkcs1.key")));

        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                } catch (IOException expected) {
                    // the client aborts
                }
            });
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
                assertThatThrownBy(s::startHandshake).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            }
        }
    }
}
