package org.dockerera.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.Watch;
import org.dockerera.store.embedded.internal.MVConfigStore;
import org.dockerera.store.embedded.internal.Options;
import org.dockerera.store.redis.internal.RedisConfigStore;
import org.dockerera.store.redis.internal.RedisOptions;
import org.dockerera.store.redis.internal.RedisServer;

/**
 * The embedded store and the Redis store side by side in one process, ROUNDS interleaved rounds, each against raw
 * fsync'd appends measured in the same round (the floor any durable write pays on this disk). Redis is a
 * redis-server of the bench's own on 127.0.0.1 and a free port, {@code appendonly yes}, {@code appendfsync always}.
 * Figures: compare-and-set writes/s (every put carries the version its key had), reads/s (get), and the change
 * feed's latency from the start of a put to its delivery to a watcher (p50/p99 of sequential writes). Prints
 * min/median/max over the rounds.
 */
public final class StoreBench {
    private static final int WRITES = 1000;
    private static final int LATENCY_WRITES = 300;
    private static final long READ_MILLIS = 1000;
    private static final int LIST_KEYS = 10_000;
    private static final byte[] VALUE = new byte[200];

    private final Map<String, List<Double>> figures = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        new StoreBench().run(rounds);
    }

    private void run(int rounds) throws Exception {
        Path dir = Files.createTempDirectory("dockerera-store-bench");
        try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
            for (int r = 0; r < rounds; r++) {
                double raw = rawFsync(dir.resolve("raw-" + r), WRITES);
                add("raw fsync'd 200-byte appends/s (reference)", raw);
                try (MVConfigStore embedded = new MVConfigStore(dir.resolve("store-" + r + ".mv"), Options.defaults());
                     RedisConfigStore onRedis = new RedisConfigStore(RedisOptions.of(redis.host(), redis.port(),
                             "bench" + r + ":", RedisOptions.DEFAULT_HISTORY_LENGTH))) {
                    StringBuilder line = new StringBuilder("round " + (r + 1) + ": raw fsync " + (long) raw + "/s");
                    for (ConfigStore store : List.of(embedded, onRedis)) {
                        String b = store.backend();
                        double one = casWrites(store, 1, WRITES);
                        double four = casWrites(store, 4, WRITES);
                        double reads = reads(store);
                        List<Long> lat = feedLatencies(store, LATENCY_WRITES);
                        double p50 = percentile(lat, 50) / 1e6;
                        double p99 = percentile(lat, 99) / 1e6;
                        add(b + ": CAS writes/s, 1 thread", one);
                        add(b + ": CAS writes/s, 4 threads", four);
                        add(b + ": reads/s (get, 1 thread)", reads);
                        add(b + ": change feed latency p50, ms", p50);
                        add(b + ": change feed latency p99, ms", p99);
                        add(b + ": ratio CAS writes 1 thread / raw fsync", one / raw);
                        add(b + ": ratio CAS writes 4 threads / raw fsync", four / raw);
                        line.append(String.format("; %s: CAS 1t %.0f/s, 4t %.0f/s, reads %.0f/s, feed p50 %.2f ms p99 "
                                + "%.2f ms", b, one, four, reads, p50, p99));
                    }
                    System.out.println(line);
                    if (r == 0) {
                        for (ConfigStore store : List.of(embedded, onRedis)) {
                            System.out.printf("  %s: list(\"\") of %d keys: %.1f ms%n", store.backend(), LIST_KEYS,
                                    listMillis(store, LIST_KEYS));
                        }
                    }
                }
            }
        }
        System.out.println();
        figures.forEach(StoreBench::print);
    }

    private void add(String name, double value) {
        figures.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    private static double rawFsync(Path file, int n) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ch.write(ByteBuffer.wrap(VALUE));
                ch.force(false);
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** {@code total} compare-and-set puts over {@code threads} threads, 50 keys each, each put with its key's version. */
    private static double casWrites(ConfigStore store, int threads, int total) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread th = new Thread(() -> {
                long[] versions = new long[50];
                String base = "bench/" + threads + "/" + thread + "/";
                for (int k = 0; k < versions.length; k++) {
                    versions[k] = store.get(base + k).map(Entry::version).orElse(ConfigStore.ABSENT);
                }
                for (long i; (i = next.getAndIncrement()) < total; ) {
                    int k = (int) (i % versions.length);
                    versions[k] = store.put(base + k, VALUE, versions[k]).version();
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        return total / ((System.nanoTime() - t0) / 1e9);
    }

    private static double reads(ConfigStore store) {
        long n = 0;
        long end = System.nanoTime() + READ_MILLIS * 1_000_000;
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1000; i++) {
                store.get("bench/1/0/" + ThreadLocalRandom.current().nextInt(50));
            }
            n += 1000;
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** Nanoseconds from the start of each put to its delivery to a watcher, for {@code n} sequential puts. */
    private static List<Long> feedLatencies(ConfigStore store, int n) throws InterruptedException {
        Map<String, Long> started = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(n);
        try (Watch watch = store.watch("lat/", store.revision(), c -> {
            long now = System.nanoTime();
            Long t = started.get(c.key());
            if (t != null) {
                latencies.add(now - t);
                done.countDown();
            }
        })) {
            for (int i = 0; i < n; i++) {
                String key = "lat/" + i;
                started.put(key, System.nanoTime());
                store.put(key, VALUE, ConfigStore.ANY_VERSION);
            }
            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(store.backend() + ": the watcher saw " + (n - done.getCount())
                        + " of " + n + " writes within 60 s");
            }
        }
        return latencies;
    }

    private static double listMillis(ConfigStore store, int keys) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (long i; (i = next.getAndIncrement()) < keys; ) {
                    store.put(String.format("list/%06d", i), VALUE, ConfigStore.ANY_VERSION);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        store.list("list/"); // warm
        long t0 = System.nanoTime();
        int size = store.list("list/").size();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (size != keys) {
            throw new IllegalStateException(store.backend() + " listed " + size + " of " + keys + " keys");
        }
        return ms;
    }

    private static double percentile(List<Long> xs, int p) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }

    private static void print(String what, List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        double median = s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        System.out.printf("%-52s min %10.2f  median %10.2f  max %10.2f%n", what, s.get(0), median, s.get(s.size() - 1));
    }
}
