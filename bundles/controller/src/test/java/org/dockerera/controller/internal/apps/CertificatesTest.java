package org.dockerera.controller.internal.apps;

import org.dockerera.testing.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dockerera.api.AppSpec;
import org.dockerera.api.CertificateInfo;
import org.dockerera.api.DockereraException;
import org.dockerera.api.events.Event;
import org.dockerera.controller.internal.HostServiceImpl;
import org.dockerera.controller.internal.SecretBox;
import org.dockerera.controller.internal.reconcile.RecordingScheduler;
import org.dockerera.controller.internal.reconcile.Rollout;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.TlsCertificate;
import org.dockerera.store.embedded.internal.MVConfigStore;
import org.dockerera.store.embedded.internal.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates per host name: checks, sealed keys, the route table's fingerprints and the HTTPS redirect. */
class CertificatesTest {
    @TempDir
    static Path certDir;
    static TestCertificates.Pair shop;
    static TestCertificates.Pair wildcard;
    static TestCertificates.Pair ecShop;
    static TestCertificates.Pair pkcs1Shop;
    static TestCertificates.Pair other;

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private MVConfigStore store;
    private HostServiceImpl hosts;
    private EngineComponent core;
    private AppServiceImpl apps;
    private DomainsComponent domains;
    private RoutesComponent routes;
    private CertificatesComponent certs;

    @BeforeAll
    static void makeCertificates() {
        shop = TestCertificates.selfSigned(certDir, "rsa:2048", 30, false, "shop.test", "www.shop.com");
        wildcard = TestCertificates.selfSigned(certDir, "rsa:2048", 30, false, "*.shop.com");
        ecShop = TestCertificates.selfSigned(certDir, "ec", 30, false, "www.shop.com");
        pkcs1Shop = TestCertificates.selfSigned(certDir, "rsa:2048", 30, true, "www.shop.com");
        other = TestCertificates.selfSigned(certDir, "rsa:2048", 30, false, "other.test");
    }

    @BeforeEach
    void start(@TempDir Path dir) {
        store = new MVConfigStore(dir.resolve("store.mv"), Options.defaults());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        SecretBox secrets = new SecretBox(key);
        EngineIT.RecordingBus bus = new EngineIT.RecordingBus(events);
        hosts = new HostServiceImpl(store, secrets, List.of(), bus);
        hosts.start(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(1));
        core = new EngineComponent(store, secrets, hosts, hosts, new RecordingScheduler(), bus,
                new Engine.Settings(Rollout.DEFAULT, Duration.ofMillis(200), 2));
        apps = new AppServiceImpl(core);
        domains = new DomainsComponent(core);
        routes = new RoutesComponent(core);
        certs = new CertificatesComponent(core, Clock.systemUTC());
        apps.create(AppSpec.named("shop.test"));
        apps.create(AppSpec.named("other.test"));
        domains.add("shop.test", "www.shop.com");
    }

    @AfterEach
    void stop() {
        core.deactivate();
        hosts.deactivate();
        store.close();
    }

    private Route route(String host) {
        return routes.table().routes().stream().filter(r -> r.host().equals(host)).findFirst().orElseThrow();
    }

    @Test
    void aCertificateReachesTheRouteTableAsAFingerprintAndItsKeyIsStoredSealed() {
        long before = routes.table().epoch();
        CertificateInfo info = certs.put("shop.test", "WWW.shop.com", shop.cert(), shop.key());
        assertThat(info.domain()).isEqualTo("www.shop.com");
        assertThat(info.app()).isEqualTo("shop.test");
        assertThat(info.names()).containsExactly("shop.test", "www.shop.com");
        assertThat(info.subject()).isEqualTo("CN=shop.test");
        assertThat(info.fingerprint()).matches("[0-9a-f]{64}");
        assertThat(info.notAfter()).isAfter(Instant.now().plus(Duration.ofDays(29)));
        assertThat(routes.table().epoch()).isGreaterThan(before);
        assertThat(route("www.shop.com").tls()).isEqualTo(info.fingerprint());
        assertThat(route("shop.test").tls()).isNull();
        assertThat(certs.list("shop.test")).containsExactly(info);

        // the key is nowhere in the store in the clear, and only material() gives it back
        String keyBody = shop.key().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        store.list("").forEach(e -> assertThat(new String(e.value(), StandardCharsets.UTF_8))
                .doesNotContain(keyBody));
        TlsCertificate m = certs.material("www.shop.com");
        assertThat(m.fingerprint()).isEqualTo(info.fingerprint());
        assertThat(m.chainPem()).contains("BEGIN CERTIFICATE");
        assertThat(m.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(m.toString()).doesNotContain(m.keyPem());

        // the redirect only applies to host names with a certificate
        certs.setHttpsRedirect("shop.test", true);
        assertThat(certs.httpsRedirect("shop.test")).isTrue();
        assertThat(route("www.shop.com").httpsRedirect()).isTrue();
        assertThat(route("shop.test").httpsRedirect()).isFalse();

        // removing the domain removes its certificate
        domains.remove("shop.test", "www.shop.com");
        assertThat(certs.list("shop.test")).isEmpty();
        assertThatThrownBy(() -> certs.material("www.shop.com")).isInstanceOfSatisfying(DockereraException.class,
                e -> assertThat(e.slug()).isEqualTo("certificate-not-found"));
    }

    @Test
    void wildcardEcAndPkcs1CertificatesAreAccepted() {
        domains.add("shop.test", "*.shop.com");
        assertThat(certs.put("shop.test", "*.shop.com", wildcard.cert(), wildcard.key()).names())
                .containsExactly("*.shop.com");
        // a wildcard certificate also serves a name one label below it
        assertThat(certs.put("shop.test", "www.shop.com", wildcard.cert(), wildcard.key()).domain())
                .isEqualTo("www.shop.com");
        assertThat(certs.put("shop.test", "www.shop.com", ecShop.cert(), ecShop.key()).names())
                .containsExactly("www.shop.com");
        certs.put("shop.test", "www.shop.com", pkcs1Shop.cert(), pkcs1Shop.key());
        assertThat(certs.material("www.shop.com").keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(route("www.shop.com").tls()).isEqualTo(certs.material("www.shop.com").fingerprint());
    }

    @Test
    void badCertificatesAreRefusedWithTheReasonAndChangeNothing() {
        certs.put("shop.test", "www.shop.com", shop.cert(), shop.key());
        long epoch = routes.table().epoch();
        String fingerprint = route("www.shop.com").tls();
        assertRefused("www.shop.com", other.cert(), other.key(), "not www.shop.com");
        assertRefused("www.shop.com", shop.cert(), other.key(), "does not belong");
        assertRefused("www.shop.com", "not pem", shop.key(), "no PEM certificate");
        assertRefused("www.shop.com", shop.key(), shop.key(), "CERTIFICATE blocks only");
        assertRefused("www.shop.com", shop.cert(), "", "'key' is required");
        assertRefused("www.shop.com", shop.cert(), shop.cert(), "is a CERTIFICATE");
        assertRefused("www.shop.com", shop.cert(), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----",
                "openssl pkcs8");
        assertThatThrownBy(() -> certs.put("shop.test", "blog.shop.com", wildcard.cert(), wildcard.key()))
                .isInstanceOfSatisfying(DockereraException.class, e -> {
                    assertThat(e.slug()).isEqualTo("invalid-domain");
                    assertThat(e.getMessage()).contains("not a host name of app shop.test");
                });
        assertThatThrownBy(() -> certs.put("nope.test", "www.shop.com", shop.cert(), shop.key()))
                .isInstanceOfSatisfying(DockereraException.class, e -> assertThat(e.kind().status()).isEqualTo(404));
        // expired: the same certificate, 31 days later
        CertificatesComponent later = new CertificatesComponent(core,
                Clock.fixed(Instant.now().plus(Duration.ofDays(31)), ZoneOffset.UTC));
        assertThatThrownBy(() -> later.put("shop.test", "www.shop.com", shop.cert(), shop.key()))
                .isInstanceOfSatisfying(DockereraException.class, e -> assertThat(e.getMessage()).contains("expired"));
        assertThat(routes.table().epoch()).isEqualTo(epoch);
        assertThat(route("www.shop.com").tls()).isEqualTo(fingerprint);
    }

    private void assertRefused(String domain, String cert, String key, String reason) {
        assertThatThrownBy(() -> certs.put("shop.test", domain, cert, key)).isInstanceOfSatisfying(
                DockereraException.class, e -> {
                    assertThat(e.slug()).isEqualTo("invalid-certificate");
                    assertThat(e.kind().status()).isEqualTo(422);
                    assertThat(e.getMessage()).contains(reason);
                });
    }
}
