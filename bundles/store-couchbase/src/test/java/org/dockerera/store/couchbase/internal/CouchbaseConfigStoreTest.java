package org.dockerera.store.couchbase.internal;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.dockerera.spi.store.ConfigStore;
import org.dockerera.store.tck.ConfigStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole {@link ConfigStoreContract} on the Couchbase store, against CouchbaseMock (no real Couchbase Server was
 * available). One mock process serves the class; every store gets its own key prefix in the bucket, so stores are
 * isolated as the contract asks.
 *
 * <ul>
 * <li>restart: the store is closed (its SDK connection too) and a new one opens the same prefix: a process restart
 * of dockerera. The mock keeps running, as a Couchbase cluster would.</li>
 * <li>unavailable/available: the mock process is SIGSTOPped and SIGCONTinued: the server hangs with its data, the
 * SDK times out, and the same in-memory data is back afterwards. (Stopping and restarting the mock would lose every
 * document: it has no disk.)</li>
 * </ul>
 */
class CouchbaseConfigStoreTest extends ConfigStoreContract {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    static CouchbaseMockProcess mock;
    private final Map<ConfigStore, Options> optionsOf = new HashMap<>();

    @BeforeAll
    static void startMock() throws Exception {
        mock = CouchbaseMockProcess.start();
    }

    @AfterAll
    static void stopMock() throws Exception {
        mock.close();
    }

    static Options testOptions(String namespace) {
        return Options.of(mock.connectionString(), CouchbaseMockProcess.BUCKET, CouchbaseMockProcess.BUCKET,
                        CouchbaseMockProcess.PASSWORD)
                .withKeyPrefix(namespace)
                .withTimeouts(Duration.ofMillis(1500), Duration.ofMillis(1000), Duration.ofMillis(300));
    }

    static String uniqueNamespace() {
        return "t" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet() + "::";
    }

    static CouchbaseConfigStore openReady(Options options) {
        CouchbaseConfigStore store = new CouchbaseConfigStore(options);
        await().atMost(PATIENCE).until(store::isUp);
        return store;
    }

    @Override
    protected ConfigStore open(Settings settings) {
        Options options = testOptions(uniqueNamespace()).withHistoryLength(settings.historyRetention());
        CouchbaseConfigStore store = openReady(options);
        optionsOf.put(store, options);
        return store;
    }

    @Override
    protected ConfigStore restart(ConfigStore store) {
        ((CouchbaseConfigStore) store).close();
        CouchbaseConfigStore again = openReady(optionsOf.get(store));
        optionsOf.put(again, optionsOf.get(store));
        return again;
    }

    @Override
    protected void makeUnavailable(ConfigStore store) throws Exception {
        mock.pause();
    }

    @Override
    protected void makeAvailable(ConfigStore store) throws Exception {
        mock.resume();
    }

    @Override
    protected void trimHistory(ConfigStore store) {
        ((CouchbaseConfigStore) store).trimHistory();
    }
}
