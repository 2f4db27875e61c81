package org.dockerera.store.facade.internal;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

import org.dockerera.spi.store.ConfigStore;
import org.dockerera.store.embedded.internal.MVConfigStore;
import org.dockerera.store.embedded.internal.Options;
import org.dockerera.store.tck.ConfigStoreContract;
import org.junit.jupiter.api.io.TempDir;

/** The facade keeps the whole ConfigStore contract of the backend behind it (the embedded store here). */
class FacadeContractTest extends ConfigStoreContract {
    @TempDir
    Path dir;
    private int opened;
    private final Map<ConfigStore, MVConfigStore> inner = new IdentityHashMap<>();

    @Override
    protected ConfigStore open(Settings settings) {
        MVConfigStore backend = new MVConfigStore(dir.resolve("store-" + (++opened) + ".mv"),
                new Options(settings.historyRetention(), 0));
        StoreFacade facade = new StoreFacade("embedded");
        facade.switchTo(backend);
        inner.put(facade, backend);
        return facade;
    }

    @Override
    protected void close(ConfigStore store) {
        MVConfigStore backend = inner.remove(store);
        if (backend != null) {
            backend.close();
        }
    }
}
