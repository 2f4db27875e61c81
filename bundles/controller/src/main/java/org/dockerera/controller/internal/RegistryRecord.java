package org.dockerera.controller.internal;

import java.time.Instant;
import org.dockerera.api.Registry;

/** A registry login as stored under {@code registries/<id>}; {@code password} is sealed. */
record RegistryRecord(String id, String server, String username, String password, Instant created) {
    Registry toRegistry() {
        return new Registry(id, server, username, created);
    }
}
