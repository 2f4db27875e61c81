package org.dockerera.controller.internal.apps;

import java.util.Map;
import java.util.TreeMap;
import org.dockerera.api.App;

/**
 * An app as stored under {@code apps/<name>}: its settings (with the active release and image), its environment
 * (secrets sealed), the last release number given out and the release it should run.
 *
 * @param target   the release being rolled out or run (the newest started one), null before the first deploy
 * @param deleting the app is being removed: its instances go, then its records
 */
record AppRecord(App app, Map<String, StoredVar> env, int lastVersion, Integer target, boolean deleting,
                 java.util.List<String> domains) {
    AppRecord {
        env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(env));
        domains = domains == null ? java.util.List.of() : domains.stream().sorted().distinct().toList();
    }

    AppRecord(App app, Map<String, StoredVar> env, int lastVersion, Integer target, boolean deleting) {
        this(app, env, lastVersion, target, deleting, null);
    }

    AppRecord withDomains(java.util.List<String> d) {
        return new AppRecord(app, env, lastVersion, target, deleting, d);
    }

    String name() {
        return app.name();
    }

    AppRecord withApp(App a) {
        return new AppRecord(a, env, lastVersion, target, deleting, domains);
    }

    AppRecord withEnv(Map<String, StoredVar> e) {
        return new AppRecord(app, e, lastVersion, target, deleting, domains);
    }

    AppRecord withTarget(int version) {
        return new AppRecord(app, env, Math.max(lastVersion, version), version, deleting, domains);
    }

    AppRecord markedDeleting() {
        return new AppRecord(app, env, lastVersion, target, true, domains);
    }
}
