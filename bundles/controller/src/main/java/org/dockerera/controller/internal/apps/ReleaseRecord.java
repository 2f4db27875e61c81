package org.dockerera.controller.internal.apps;

import java.util.Map;
import java.util.TreeMap;
import org.dockerera.api.Release;

/**
 * A release as stored under {@code releases/<app>/<version>}: the public view plus the environment it runs with
 * (secrets sealed) and the deploy that rolled it out.
 */
record ReleaseRecord(Release release, Map<String, StoredVar> env, String deployId) {
    ReleaseRecord {
        env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(env));
    }

    ReleaseRecord with(Release r) {
        return new ReleaseRecord(r, env, deployId);
    }
}
