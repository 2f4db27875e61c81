package org.dockerera.store.embedded.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

import org.dockerera.spi.store.ConfigStore;

/**
 * A quick measurement, not a test and not the benchmark suite: fsync'd writes per second from 1 and 4 threads, and
 * reads per second. Run from bundles/store-embedded after {@code mvn test-compile}:
 *
 * <pre>
 * mvn -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     org.dockerera.store.embedded.internal.StoreThroughput [dir]
 * </pre>
 */
public final class StoreThroughput {
    private StoreThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("store-throughput");
        byte[] value = "{\"name\":\"web\",\"image\":\"registry/web:42\",\"scale\":3}".repeat(4).getBytes(UTF_8);
        try (MVConfigStore store = new MVConfigStore(dir.resolve("bench.mv"), new Options(100_000, 0))) {
            writes(store, 1, 3_000, value);
            writes(store, 4, 1_500, value);
            writes(store, 16, 500, value);
            long t0 = System.nanoTime();
            int rounds = 0;
            while (store.compact() && rounds < 100) {
                rounds++;
            }
            System.out.printf("compact: %d rounds in %.0f ms; file %d KB, %d%% live%n", rounds,
                    (System.nanoTime() - t0) / 1e6, Files.size(store.path()) / 1024, store.fillRate());
            reads(store, 1, 2_000_000);
            reads(store, 4, 1_000_000);
        }
    }

    private static void writes(MVConfigStore store, int threads, int each, byte[] value) throws Exception {
        long syncsBefore = store.syncCount();
        double seconds = run(threads, t -> {
            for (int i = 0; i < each; i++) {
                store.put("bench/" + t + "/" + (i % 1000), value, ConfigStore.ANY_VERSION);
            }
        });
        long writes = (long) threads * each;
        long syncs = store.syncCount() - syncsBefore;
        System.out.printf("writes  %2d thread(s): %8.0f writes/s  (%d writes, %d fsyncs, %.2f writes per fsync; "
                + "file %d KB, %d%% live)%n", threads, writes / seconds, writes, syncs, (double) writes / syncs,
                Files.size(store.path()) / 1024, store.fillRate());
    }

    private static void reads(MVConfigStore store, int threads, int each) throws Exception {
        List<String> keys = store.list("bench/").stream().map(e -> e.key()).toList();
        LongAdder found = new LongAdder();
        double seconds = run(threads, t -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < each; i++) {
                if (store.get(keys.get(random.nextInt(keys.size()))).isPresent()) {
                    found.increment();
                }
            }
        });
        long reads = (long) threads * each;
        System.out.printf("reads   %2d thread(s): %8.0f gets/s    (%d gets over %d keys, %d found)%n",
                threads, reads / seconds, reads, keys.size(), found.sum());
    }

    private interface Work {
        void run(int thread) throws Exception;
    }

    private static double run(int threads, Work work) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    work.run(id);
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            thread.start();
            all.add(thread);
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread thread : all) {
            thread.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a worker failed", failures.get(0));
        }
        return seconds;
    }
}
