package org.dockerera.api;

import java.util.List;

/**
 * The config store as an operator manages it: which backend is active, which are installed, and moving all state
 * from the active backend to another one while everything keeps running.
 */
public interface StoreService {
    /** The active backend. */
    StoreStatus status();

    /** Every installed backend (a {@code ConfigStore} service), the active one flagged. */
    List<StoreBackend> backends();

    /**
     * Copies every key from the active backend to {@code backend} and makes it the active one. Writes are fenced
     * meanwhile (they fail with {@code store-migrating}, 503, and are retried by their callers); reads keep being
     * served from the old backend. The copy is verified (key count and a SHA-256 over keys and values) before the
     * switch; the choice is recorded in {@code etc/org.dockerera.store.cfg} so a restart keeps it.
     *
     * @param force copy even when the target already holds keys (they are deleted first)
     * @throws DockereraException {@code store-backend-not-found} (404) when no such backend is installed,
     *                            {@code store-not-empty} (409) when the target holds keys and {@code force} is false,
     *                            {@code store-migration-failed} (500) when the copy does not verify (nothing switched)
     */
    StoreMigration migrate(String backend, boolean force);

    /**
     * Writes every key and value of the active backend as one JSON document ({@code {"format": "dockerera-store/1",
     * "backend", "revision", "exported", "count", "sha256", "entries": [{"key", "value" (base64)}]}}), read from one
     * listing. Secrets stay as stored: sealed under the cluster key.
     *
     * @return the number of keys written
     */
    long exportTo(java.io.OutputStream out) throws java.io.IOException;

    /**
     * Loads a document written by {@link #exportTo} into the active backend, verifying its count and checksum first.
     * Writes are fenced meanwhile, as for a migration.
     *
     * @param force replace what the store holds (otherwise a store with keys refuses: {@code store-not-empty})
     * @return the number of keys loaded
     * @throws DockereraException {@code invalid-store-export} (422) for a document that does not verify
     */
    long importFrom(java.io.InputStream in, boolean force) throws java.io.IOException;
}
