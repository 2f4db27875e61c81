package org.dockerera.store.redis.internal;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.dockerera.spi.store.ConfigStore;
import org.dockerera.store.tck.ConfigStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole contract against a real redis-server (AOF, fsync on every write) that this class starts on 127.0.0.1
 * and a free port. Every store gets a key prefix of its own, so the stores of one class share the server without
 * seeing each other. Restart = close the store, kill -9 the server, start it on the same data, open the same prefix;
 * outage = kill -9 the server, start it again.
 */
class RedisConfigStoreTest extends ConfigStoreContract {
    @TempDir
    static Path dir;
    static RedisServer server;

    private final Map<ConfigStore, RedisOptions> optionsOf = new HashMap<>();
    private static int opened;

    @BeforeAll
    static void startServer() throws Exception {
        server = RedisServer.start(dir.resolve("redis"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.kill();
        }
    }

    @Override
    protected ConfigStore open(Settings settings) throws Exception {
        server.start(); // a failed test may have left it stopped
        return openWith(RedisOptions.of(server.host(), server.port(), "tck" + (++opened) + ":",
                settings.historyRetention()));
    }

    private RedisConfigStore openWith(RedisOptions options) {
        RedisConfigStore s = new RedisConfigStore(options);
        optionsOf.put(s, options);
        return s;
    }

    @Override
    protected ConfigStore restart(ConfigStore store) throws Exception {
        ((RedisConfigStore) store).close();
        server.crashAndRestart();
        return openWith(optionsOf.get(store));
    }

    @Override
    protected void makeUnavailable(ConfigStore store) throws Exception {
        server.kill();
    }

    @Override
    protected void makeAvailable(ConfigStore store) throws Exception {
        server.start();
    }

    @Override
    protected void trimHistory(ConfigStore store) {
        ((RedisConfigStore) store).trimHistoryNow();
    }

    @Override
    protected int concurrentWriters() {
        return 8;
    }
}
