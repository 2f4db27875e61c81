package org.dockerera.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.dockerera.spi.store.Change;
import org.dockerera.spi.store.ChangeListener;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.Watch;
import org.dockerera.store.couchbase.internal.CouchbaseConfigStore;
import org.dockerera.store.couchbase.internal.CouchbaseMockProcess;
import org.dockerera.store.couchbase.internal.Options;
import org.dockerera.store.embedded.internal.MVConfigStore;

/**
 * The Couchbase store next to the embedded one, in the same process and the same rounds: compare-and-set writes/s
 * (read, then put with the version read; 1 thread), reads/s (get, 1 thread) and change-feed latency (put called →
 * a watcher's onChange). The Couchbase store runs against CouchbaseMock 1.5.27 in a child JVM on this machine (no
 * real Couchbase Server was available): the figures say what the store's protocol costs in round trips against a
 * local in-memory server, not what a Couchbase cluster would do.
 *
 * <p>Feed latency is measured twice for Couchbase: the watcher on the writing store (woken at once by its own
 * writes) and on a second store instance on the same bucket, which only learns of the write by polling the counter
 * (every 25 ms by default) — the case of two dockerera processes.
 */
public final class CouchbaseStoreBench {
    private static final int CAS_WRITES = 400;
    private static final int KEYS = 50;
    private static final long READ_MILLIS = 1000;
    private static final int LATENCY_SAMPLES = 200;
    private static final byte[] VALUE = new byte[200];

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("dockerera-store-bench-cb");
        Map<String, List<Double>> figures = new java.util.LinkedHashMap<>();
        try (CouchbaseMockProcess mock = CouchbaseMockProcess.start()) {
            for (int r = 0; r < rounds; r++) {
                try (MVConfigStore embedded = new MVConfigStore(dir.resolve("store-" + r + ".mv"),
                        org.dockerera.store.embedded.internal.Options.defaults())) {
                    double w = casWrites(embedded);
                    double rd = reads(embedded, "cas/");
                    double[] lat = latency(embedded, embedded);
                    add(figures, "embedded CAS writes/s", w);
                    add(figures, "embedded reads/s", rd);
                    add(figures, "embedded feed latency p50 ms (same store)", lat[0]);
                    add(figures, "embedded feed latency p99 ms (same store)", lat[1]);
                }
                Options o = Options.of(mock.connectionString(), CouchbaseMockProcess.BUCKET,
                        CouchbaseMockProcess.BUCKET, CouchbaseMockProcess.PASSWORD).withKeyPrefix("bench" + r + "::");
                try (CouchbaseConfigStore cb = ready(new CouchbaseConfigStore(o));
                     CouchbaseConfigStore other = ready(new CouchbaseConfigStore(o))) {
                    double w = casWrites(cb);
                    double rd = reads(cb, "cas/");
                    double[] same = latency(cb, cb);
                    double[] cross = latency(cb, other);
                    add(figures, "couchbase(mock) CAS writes/s", w);
                    add(figures, "couchbase(mock) reads/s", rd);
                    add(figures, "couchbase(mock) feed latency p50 ms (same store)", same[0]);
                    add(figures, "couchbase(mock) feed latency p99 ms (same store)", same[1]);
                    add(figures, "couchbase(mock) feed latency p50 ms (2nd store)", cross[0]);
                    add(figures, "couchbase(mock) feed latency p99 ms (2nd store)", cross[1]);
                    int i = figures.get("embedded CAS writes/s").size() - 1;
                    add(figures, "ratio CAS writes/s couchbase(mock) / embedded",
                            w / figures.get("embedded CAS writes/s").get(i));
                    add(figures, "ratio reads/s couchbase(mock) / embedded", rd / figures.get("embedded reads/s").get(i));
                    System.out.printf("round %d: embedded %.0f CAS writes/s %.0f reads/s; couchbase(mock) %.0f CAS "
                                    + "writes/s %.0f reads/s, feed p50/p99 %.1f/%.1f ms same store, %.1f/%.1f ms 2nd store%n",
                            r + 1, figures.get("embedded CAS writes/s").get(i), figures.get("embedded reads/s").get(i),
                            w, rd, same[0], same[1], cross[0], cross[1]);
                }
            }
        }
        System.out.println();
        figures.forEach(CouchbaseStoreBench::print);
    }

    private static CouchbaseConfigStore ready(CouchbaseConfigStore store) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!store.health().up()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("store not up: " + store.health());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return store;
    }

    private static void add(Map<String, List<Double>> m, String k, double v) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }

    /** Read-modify-write with the version read, as the controller updates its records. */
    private static double casWrites(ConfigStore store) {
        for (int k = 0; k < KEYS; k++) {
            store.put("cas/" + k, VALUE, ConfigStore.ANY_VERSION);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < CAS_WRITES; i++) {
            String key = "cas/" + (i % KEYS);
            Entry current = store.get(key).orElseThrow();
            store.put(key, VALUE, current.version());
        }
        return CAS_WRITES / ((System.nanoTime() - t0) / 1e9);
    }

    private static double reads(ConfigStore store, String prefix) {
        long n = 0;
        long end = System.nanoTime() + READ_MILLIS * 1_000_000;
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) {
                store.get(prefix + ThreadLocalRandom.current().nextInt(KEYS));
            }
            n += 100;
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** p50 and p99 in ms from calling put on {@code writer} to onChange on a watch of {@code watched}. */
    private static double[] latency(ConfigStore writer, ConfigStore watched) {
        Map<Long, Long> arrived = new ConcurrentHashMap<>();
        String prefix = "lat" + System.nanoTime() + "/";
        List<Double> ms = new ArrayList<>();
        try (Watch watch = watched.watch(prefix, watched.revision(), new ChangeListener() {
            @Override
            public void onChange(Change change) {
                arrived.put(change.revision(), System.nanoTime());
            }
        })) {
            for (int i = 0; i < LATENCY_SAMPLES; i++) {
                long written = System.nanoTime();
                Entry e = writer.put(prefix + (i % 10), VALUE, ConfigStore.ANY_VERSION);
                long deadline = written + Duration.ofSeconds(10).toNanos();
                Long at;
                while ((at = arrived.get(e.version())) == null) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("change " + e.version() + " not delivered in 10 s");
                    }
                    LockSupport.parkNanos(20_000);
                }
                ms.add(Math.max(0, at - written) / 1e6);
            }
        }
        Collections.sort(ms);
        return new double[] {ms.get(ms.size() / 2), ms.get((int) Math.ceil(ms.size() * 0.99) - 1)};
    }

    private static void print(String what, List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        double median = s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        System.out.printf("%-52s min %10.2f  median %10.2f  max %10.2f%n", what, s.get(0), median, s.get(s.size() - 1));
    }
}
