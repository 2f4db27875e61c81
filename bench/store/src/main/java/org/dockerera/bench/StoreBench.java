package org.dockerera.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.store.embedded.internal.MVConfigStore;
import org.dockerera.store.embedded.internal.Options;

/** Prints min/median/max of each figure over ROUNDS interleaved rounds, and the ratio to raw fsync'd appends. */
public final class StoreBench {
    private static final int WRITES = 1000;
    private static final long READ_MILLIS = 1000;
    private static final byte[] VALUE = new byte[200];

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("dockerera-store-bench");
        List<Double> raw = new ArrayList<>(), w1 = new ArrayList<>(), w4 = new ArrayList<>(), reads = new ArrayList<>(),
                ratio1 = new ArrayList<>(), ratio4 = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            double rawRate = rawFsync(dir.resolve("raw-" + r), WRITES);
            try (MVConfigStore store = new MVConfigStore(dir.resolve("store-" + r + ".mv"), Options.defaults())) {
                double one = writes(store, 1, WRITES);
                double four = writes(store, 4, WRITES);
                double rd = reads(store);
                raw.add(rawRate);
                w1.add(one);
                w4.add(four);
                reads.add(rd);
                ratio1.add(one / rawRate);
                ratio4.add(four / rawRate);
                System.out.printf("round %d: raw fsync %.0f/s, store writes 1 thread %.0f/s, 4 threads %.0f/s, reads %.0f/s%n",
                        r + 1, rawRate, one, four, rd);
            }
        }
        System.out.println();
        print("raw fsync'd 200-byte appends/s (reference)", raw);
        print("store synced writes/s, 1 thread", w1);
        print("store synced writes/s, 4 threads", w4);
        print("store reads/s (get, 1 thread)", reads);
        print("ratio writes 1 thread / raw fsync", ratio1);
        print("ratio writes 4 threads / raw fsync", ratio4);
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

    private static double writes(ConfigStore store, int threads, int total) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                for (long i; (i = next.getAndIncrement()) < total; ) {
                    store.put("bench/" + threads + "/" + (i % 500), VALUE, ConfigStore.ANY_VERSION);
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
                store.get("bench/1/" + ThreadLocalRandom.current().nextInt(500));
            }
            n += 1000;
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static void print(String what, List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        double median = s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        System.out.printf("%-45s min %10.2f  median %10.2f  max %10.2f%n", what, s.get(0), median, s.get(s.size() - 1));
    }
}
