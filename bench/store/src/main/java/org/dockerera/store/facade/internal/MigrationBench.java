package org.dockerera.store.facade.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.dockerera.api.StoreMigration;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.store.embedded.internal.MVConfigStore;
import org.dockerera.store.embedded.internal.Options;
import org.dockerera.store.redis.internal.RedisConfigStore;
import org.dockerera.store.redis.internal.RedisOptions;
import org.dockerera.store.redis.internal.RedisServer;

/**
 * How long a store migration fences writes: 10,000 keys of 300 bytes from the embedded store to Redis (a
 * redis-server of the bench's own, AOF fsync always) and back to a fresh embedded store, through the real facade and
 * migrator, ROUNDS rounds; min / median / max. (In this package because the facade's classes are bundle-private.)
 */
public final class MigrationBench {
    private static final int KEYS = 10_000;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("dockerera-migration-bench");
        byte[] value = new byte[300];
        List<Long> toRedis = new ArrayList<>();
        List<Long> back = new ArrayList<>();
        try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
            for (int r = 0; r < rounds; r++) {
                try (MVConfigStore embedded = new MVConfigStore(dir.resolve("from-" + r + ".mv"), Options.defaults());
                     MVConfigStore again = new MVConfigStore(dir.resolve("back-" + r + ".mv"), Options.defaults());
                     RedisConfigStore onRedis = new RedisConfigStore(RedisOptions.of(redis.host(), redis.port(),
                             "mig" + r + ":", RedisOptions.DEFAULT_HISTORY_LENGTH))) {
                    for (int i = 0; i < KEYS; i++) {
                        embedded.put(String.format("apps/k%05d", i), value, ConfigStore.ANY_VERSION);
                    }
                    StoreFacade facade = new StoreFacade("embedded");
                    facade.switchTo(embedded);
                    StoreMigration m1 = Migrator.migrate(facade, onRedis, false, Clock.systemUTC(), () -> { });
                    StoreMigration m2 = Migrator.migrate(facade, again, false, Clock.systemUTC(), () -> { });
                    if (m1.keys() != KEYS || m2.keys() != KEYS) {
                        throw new IllegalStateException("copied " + m1.keys() + " / " + m2.keys());
                    }
                    toRedis.add(m1.fencedMs());
                    back.add(m2.fencedMs());
                    System.out.printf(Locale.ROOT, "round %d: embedded -> redis %d ms, redis -> embedded %d ms%n",
                            r + 1, m1.fencedMs(), m2.fencedMs());
                }
            }
        }
        print("embedded -> redis, 10,000 keys, writes fenced ms", toRedis);
        print("redis -> embedded, 10,000 keys, writes fenced ms", back);
    }

    private static void print(String label, List<Long> v) {
        List<Long> s = new ArrayList<>(v);
        Collections.sort(s);
        System.out.printf(Locale.ROOT, "%-52s min %d  median %d  max %d%n", label, s.get(0), s.get(s.size() / 2),
                s.get(s.size() - 1));
    }
}
