package org.dockerera.spi.store;

import java.util.List;
import java.util.Optional;

/**
 * Where dockerera keeps its state, and from where changes are published.
 *
 * <p>A flat, ordered key space of byte values. Every successful write increments one store-wide
 * {@linkplain #revision() revision}; the {@linkplain Entry#version() version} of a key is the revision of its last
 * write (like etcd's mod_revision), which is what compare-and-set compares against. The change feed lists writes in
 * revision order and can resume from any revision still retained; when the history needed is gone it says so with
 * {@link HistoryGoneException} (or {@link ChangeListener#onResync} on a watch), and the reader re-lists.
 *
 * <p>Implementations are DS services with the property {@value #BACKEND_PROPERTY} = their name
 * ({@code embedded}, {@code redis}, {@code couchbase}). An acknowledged write is durable (fsync'd or the backend's
 * equivalent). When the backend cannot be reached every call throws {@link StoreUnavailableException}.
 */
public interface ConfigStore {
    /** Service property naming the backend. */
    String BACKEND_PROPERTY = "dockerera.store";
    /**
     * Service property of the store facade: the one {@code ConfigStore} consumers bind, which forwards to the active
     * backend and survives switching it. Backends never carry it.
     */
    String ROLE_PROPERTY = "dockerera.store.role";
    /** The target filter every consumer uses: {@code @Reference(target = ConfigStore.ACTIVE)}. */
    String ACTIVE = "(" + ROLE_PROPERTY + "=active)";
    /** {@code expectedVersion} that skips the compare. */
    long ANY_VERSION = -1L;
    /** {@code expectedVersion} meaning "the key must not exist". */
    long ABSENT = 0L;

    /** The backend's name, e.g. {@code embedded}. */
    String backend();

    Optional<Entry> get(String key);

    /**
     * Writes {@code value} if the key's current version equals {@code expectedVersion} ({@link #ANY_VERSION} always
     * writes, {@link #ABSENT} only creates).
     *
     * @return the entry as written, its version the new revision
     * @throws CasConflictException when the version does not match
     */
    Entry put(String key, byte[] value, long expectedVersion);

    /**
     * Deletes the key if its version equals {@code expectedVersion} (or {@link #ANY_VERSION}).
     *
     * @return false when the key did not exist (and {@code expectedVersion} was {@link #ANY_VERSION})
     * @throws CasConflictException when the version does not match, or the key is absent and a version was expected
     */
    boolean delete(String key, long expectedVersion);

    /** Entries whose key starts with {@code prefix}, in key order. An empty prefix lists everything. */
    List<Entry> list(String prefix);

    /** The newest revision (0 for an empty, never written store). */
    long revision();

    /**
     * Changes to keys under {@code prefix} with revision greater than {@code afterRevision}, oldest first, at most
     * {@code limit}.
     *
     * @throws HistoryGoneException when changes after {@code afterRevision} are no longer retained
     */
    ChangeBatch changes(String prefix, long afterRevision, int limit);

    /**
     * Delivers every change under {@code prefix} after {@code afterRevision}, in order, then new ones as they happen,
     * on a thread of the store's. When the history after {@code afterRevision} is gone, calls
     * {@link ChangeListener#onResync(long)} first and continues from the newest revision.
     */
    Watch watch(String prefix, long afterRevision, ChangeListener listener);

    /** Backend, endpoint (no credentials), revision and health; never throws. */
    StoreHealth health();
}
