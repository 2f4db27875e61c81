package org.dockerera.store.facade.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

import org.dockerera.api.DockereraException;
import org.dockerera.api.StoreMigration;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves every key from the facade's active backend to another one: fence writes, copy, verify (count and SHA-256 of
 * keys and values in key order, read back from the target), switch, lift the fence. A copy that does not verify
 * switches nothing. Keys keep their values; versions and revisions are the target's own (watchers re-list). Before
 * the switch the old backend gets a {@link Moved} record, which makes every other controller still pointing at it
 * refuse to use it.
 */
final class Migrator {
    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    private Migrator() {
    }

    /** {@code afterSwitch} runs while still fenced (e.g. to record the choice in the configuration). */
    static StoreMigration migrate(StoreFacade facade, ConfigStore target, boolean force, Clock clock,
                                  Runnable afterSwitch) {
        ConfigStore source = requireActive(facade, "nothing to migrate from");
        if (source == target) {
            throw new DockereraException(DockereraException.Kind.CONFLICT, "store-already-active",
                    "Already the active store", "the " + target.backend() + " backend is already the active one");
        }
        long start = clock.millis();
        facade.fence(target.backend());
        try {
            List<Entry> all = source.list("");
            String sum = checksum(all);
            List<Entry> copied = replaceContents(target, all, force, "migrate with force to replace them, or point"
                    + " the backend at an empty database/bucket/prefix");
            String copiedSum = checksum(copied);
            if (copied.size() != all.size() || !copiedSum.equals(sum)) {
                throw new DockereraException(DockereraException.Kind.INTERNAL, "store-migration-failed",
                        "Store migration failed", "the copy in " + target.backend() + " does not match "
                        + source.backend() + " (" + copied.size() + " of " + all.size() + " keys, checksum "
                        + copiedSum.substring(0, 12) + " vs " + sum.substring(0, 12) + "); nothing was switched, "
                        + source.backend() + " stays active");
            }
            markMoved(source, target, all.size(), clock);
            long revision = target.revision();
            facade.switchTo(target);
            afterSwitch.run();
            long fenced = clock.millis() - start;
            LOG.info("Config store migrated from {} to {}: {} keys, sha-256 {}, writes paused {} ms",
                    source.backend(), target.backend(), all.size(), sum, fenced);
            return new StoreMigration(source.backend(), target.backend(), all.size(), sum, fenced, revision,
                    clock.instant());
        } finally {
            facade.unfence();
        }
    }

    /** Leaves the {@link Moved} record in {@code source}; if that fails nothing is switched. */
    private static void markMoved(ConfigStore source, ConfigStore target, int keys, Clock clock) {
        String endpoint;
        try {
            endpoint = target.health().endpoint();
        } catch (RuntimeException e) {
            endpoint = "";
        }
        try {
            source.put(Moved.KEY, new Moved(target.backend(), endpoint, clock.instant(), keys).toJson(),
                    ConfigStore.ANY_VERSION);
        } catch (RuntimeException e) {
            throw new DockereraException(DockereraException.Kind.UNAVAILABLE, "store-migration-failed",
                    "Store migration failed", "the state was copied to " + target.backend() + " but the "
                    + source.backend() + " store could not be marked as moved (" + e.getMessage() + "), which other"
                    + " controllers on it need; nothing was switched, " + source.backend() + " stays active;"
                    + " migrate again with force", e);
        }
    }

    /** Copy threads: every backend makes each write durable; concurrent writers share fsyncs (group commit, AOF). */
    private static final int COPIERS = 8;

    /** Writes every entry into {@code target}, {@value #COPIERS} writers at a time; the first failure fails it. */
    private static void copy(List<Entry> entries, ConfigStore target) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(COPIERS, r -> {
            Thread t = new Thread(r, "dockerera-store-copy");
            t.setDaemon(true);
            return t;
        });
        try {
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            List<java.util.concurrent.Future<?>> workers = new java.util.ArrayList<>();
            for (int w = 0; w < COPIERS; w++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < entries.size(); i = next.getAndIncrement()) {
                        Entry e = entries.get(i);
                        target.put(e.key(), e.value(), ConfigStore.ANY_VERSION);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : workers) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    next.set(entries.size());
                    if (e.getCause() instanceof RuntimeException) {
                        throw (RuntimeException) e.getCause();
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    next.set(entries.size());
                    throw new DockereraException(DockereraException.Kind.UNAVAILABLE, "store-unavailable",
                            "Interrupted", "the copy was interrupted; nothing was switched");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static String checksum(List<Entry> entries) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Entry e : entries) {
                byte[] k = e.key().getBytes(StandardCharsets.UTF_8);
                d.update(intBytes(k.length));
                d.update(k);
                d.update(intBytes(e.value().length));
                d.update(e.value());
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] intBytes(int n) {
        return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    /** Loads {@code entries} into the facade's active backend with writes fenced; verifies what was written. */
    static long load(StoreFacade facade, List<Entry> entries, String expectedSum, boolean force) {
        ConfigStore store = requireActive(facade, "nothing to import into");
        facade.fence(store.backend() + " (import)");
        try {
            List<Entry> now = replaceContents(store, entries, force, "import with force to replace everything it"
                    + " holds");
            if (now.size() != entries.size() || !checksum(now).equals(expectedSum)) {
                throw new DockereraException(DockereraException.Kind.INTERNAL, "store-import-failed",
                        "Store import failed", "the " + store.backend() + " store does not hold what was imported ("
                        + now.size() + " of " + entries.size() + " keys); import again with force");
            }
            LOG.info("Config store {}: imported {} keys, sha-256 {}", store.backend(), entries.size(), expectedSum);
            return entries.size();
        } finally {
            facade.unfence();
        }
    }

    private static ConfigStore requireActive(StoreFacade facade, String consequence) {
        ConfigStore s = facade.active();
        if (s == null) {
            throw new DockereraException(DockereraException.Kind.UNAVAILABLE, "store-unavailable",
                    "Config store unavailable", "the active config store (" + facade.wanted() + ") is not running; "
                    + consequence);
        }
        return s;
    }

    /**
     * Under the fence: empties {@code target} (refused without {@code force} when it holds keys; {@code forceHint}
     * says how to insist), writes every entry and returns what the target then lists, for the caller to verify.
     */
    private static List<Entry> replaceContents(ConfigStore target, List<Entry> entries, boolean force,
                                               String forceHint) {
        List<Entry> existing = target.list("");
        if (!existing.isEmpty()) {
            if (!force) {
                throw new DockereraException(DockereraException.Kind.CONFLICT, "store-not-empty", "Store not empty",
                        "the " + target.backend() + " store already holds " + existing.size() + " key(s) (first: "
                        + existing.get(0).key() + "); " + forceHint);
            }
            for (Entry e : existing) {
                target.delete(e.key(), ConfigStore.ANY_VERSION);
            }
        }
        copy(entries, target);
        return target.list("");
    }
}
