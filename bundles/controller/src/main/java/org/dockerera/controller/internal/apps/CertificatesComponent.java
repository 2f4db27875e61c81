package org.dockerera.controller.internal.apps;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dockerera.api.CertificateInfo;
import org.dockerera.api.CertificateService;
import org.dockerera.api.DockereraException;
import org.dockerera.api.DomainService;
import org.dockerera.spi.router.TlsCertificate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Certificates per host name and the HTTPS redirect, stored in the app's record (keys sealed under the cluster key);
 * every change publishes the next route table, whose routes carry the certificate's fingerprint, never the key.
 */
@Component(service = CertificateService.class)
public class CertificatesComponent implements CertificateService {
    @Reference
    private EngineComponent core;
    private final Clock clock;

    public CertificatesComponent() {
        this.clock = Clock.systemUTC();
    }

    /** For tests: no OSGi. */
    CertificatesComponent(EngineComponent core, Clock clock) {
        this.core = core;
        this.clock = clock;
    }

    @Override
    public CertificateInfo put(String app, String domain, String certPem, String keyPem) {
        core.requireActive();
        String host = DomainService.normalize(domain);
        AppRecord a = core.ledger().requireApp(app);
        requireHost(a, host);
        PemCertificate pem = PemCertificate.parse(certPem, keyPem, host, clock.instant());
        CertificateInfo info = pem.info(host, app);
        StoredCert stored = new StoredCert(info, pem.chainPem(), core.secrets().seal(pem.keyPem()));
        core.ledger().updateApp(app, r -> {
            requireHost(r, host);
            Map<String, StoredCert> next = new TreeMap<>(r.certs());
            next.put(host, stored);
            return r.withCerts(next);
        });
        republish();
        return info;
    }

    @Override
    public List<CertificateInfo> list(String app) {
        return core.ledger().requireApp(app).certs().values().stream().map(StoredCert::info).toList();
    }

    @Override
    public void remove(String app, String domain) {
        core.requireActive();
        String host = DomainService.normalize(domain);
        AppRecord a = core.ledger().requireApp(app);
        if (!a.certs().containsKey(host)) {
            return;
        }
        core.ledger().updateApp(app, r -> {
            Map<String, StoredCert> next = new TreeMap<>(r.certs());
            next.remove(host);
            return r.withCerts(next);
        });
        republish();
    }

    @Override
    public boolean httpsRedirect(String app) {
        return core.ledger().requireApp(app).httpsRedirect();
    }

    @Override
    public boolean setHttpsRedirect(String app, boolean redirect) {
        core.requireActive();
        AppRecord a = core.ledger().requireApp(app);
        if (a.httpsRedirect() != redirect) {
            core.ledger().updateApp(app, r -> r.withHttpsRedirect(redirect));
            republish();
        }
        return redirect;
    }

    @Override
    public TlsCertificate material(String host) {
        String h = DomainService.normalize(host);
        for (AppRecord a : core.ledger().apps()) {
            StoredCert c = a.certs().get(h);
            if (c != null && !a.deleting()) {
                return new TlsCertificate(h, c.info().fingerprint(), c.chainPem(), core.secrets().open(c.sealedKey()));
            }
        }
        throw DockereraException.notFound("certificate-not-found", "no certificate is stored for " + h
                + "; upload one with PUT /api/apps/{app}/domains/" + h + "/cert");
    }

    private static void requireHost(AppRecord a, String host) {
        if (!a.hostNames().contains(host)) {
            throw DockereraException.invalid("invalid-domain", host + " is not a host name of app " + a.name()
                    + " (it answers to " + String.join(", ", a.hostNames()) + "); add it first with POST /api/apps/"
                    + a.name() + "/domains");
        }
    }

    private void republish() {
        core.engine().fleet().publish(epoch -> { });
    }
}
