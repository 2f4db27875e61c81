package org.dockerera.controller.internal.apps;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dockerera.api.App;

/**
 * An app as stored under {@code apps/<name>}: its settings (with the active release and image), its environment
 * (secrets sealed), the last release number given out and the release it should run.
 *
 * @param target        the release being rolled out or run (the newest started one), null before the first deploy
 * @param deleting      the app is being removed: its instances go, then its records
 * @param domains       extra host names besides its own name
 * @param certs         TLS certificates by host name (keys sealed)
 * @param httpsRedirect plain-HTTP requests for host names with a certificate are redirected to HTTPS
 */
record AppRecord(App app, Map<String, StoredVar> env, int lastVersion, Integer target, boolean deleting,
                 List<String> domains, Map<String, StoredCert> certs, boolean httpsRedirect) {
    AppRecord {
        env = env == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(env));
        domains = domains == null ? List.of() : domains.stream().sorted().distinct().toList();
        certs = certs == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(certs));
    }

    AppRecord(App app, Map<String, StoredVar> env, int lastVersion, Integer target, boolean deleting) {
        this(app, env, lastVersion, target, deleting, null, null, false);
    }

    String name() {
        return app.name();
    }

    /** Its own name, then its extra domains. */
    List<String> hostNames() {
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        names.add(app.name());
        names.addAll(domains);
        return names;
    }

    AppRecord withDomains(List<String> d) {
        Map<String, StoredCert> kept = new TreeMap<>(certs);
        kept.keySet().removeIf(h -> !h.equals(app.name()) && !d.contains(h));
        return new AppRecord(app, env, lastVersion, target, deleting, d, kept, httpsRedirect);
    }

    AppRecord withCerts(Map<String, StoredCert> c) {
        return new AppRecord(app, env, lastVersion, target, deleting, domains, c, httpsRedirect);
    }

    AppRecord withHttpsRedirect(boolean r) {
        return new AppRecord(app, env, lastVersion, target, deleting, domains, certs, r);
    }

    AppRecord withApp(App a) {
        return new AppRecord(a, env, lastVersion, target, deleting, domains, certs, httpsRedirect);
    }

    AppRecord withEnv(Map<String, StoredVar> e) {
        return new AppRecord(app, e, lastVersion, target, deleting, domains, certs, httpsRedirect);
    }

    AppRecord withTarget(int version) {
        return new AppRecord(app, env, Math.max(lastVersion, version), version, deleting, domains, certs,
                httpsRedirect);
    }

    AppRecord markedDeleting() {
        return new AppRecord(app, env, lastVersion, target, true, domains, certs, httpsRedirect);
    }
}
