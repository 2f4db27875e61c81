package org.dockerera.store.facade.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.dockerera.api.DockereraException;
import org.dockerera.api.StoreMigration;
import org.dockerera.spi.store.Change;
import org.dockerera.spi.store.ChangeListener;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.StoreMigratingException;
import org.dockerera.spi.store.StoreUnavailableException;
import org.dockerera.spi.store.Watch;
import org.dockerera.store.embedded.internal.MVConfigStore;
import org.dockerera.store.embedded.internal.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migrations between two real (embedded) stores through the facade, with writers and a watcher running. */
class MigrationTest {
    @TempDir
    Path dir;
    private MVConfigStore from;
    private MVConfigStore to;
    private StoreFacade facade;

    @BeforeEach
    void open() {
        from = new MVConfigStore(dir.resolve("from.mv"), Options.defaults());
        to = new MVConfigStore(dir.resolve("to.mv"), Options.defaults());
        facade = new StoreFacade("embedded");
        facade.switchTo(from);
    }

    @AfterEach
    void close() {
        from.close();
        to.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void underConcurrentWritersEveryAcknowledgedWriteEndsUpInTheNewBackendAndFencedWritesChangeNothing()
            throws Exception {
        for (int i = 0; i < 500; i++) {
            facade.put("apps/a" + i, utf8("v0"), ConfigStore.ANY_VERSION);
        }
        Map<String, String> acked = new ConcurrentHashMap<>();
        AtomicInteger fenced = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Change> seen = new CopyOnWriteArrayList<>();
        List<Long> resyncs = new CopyOnWriteArrayList<>();
        Watch watch = facade.watch("apps/", facade.revision(), new ChangeListener() {
            @Override
            public void onChange(Change change) {
                seen.add(change);
            }

            @Override
            public void onResync(long revision) {
                resyncs.add(revision);
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int id = w;
            writers.add(pool.submit(() -> {
                int n = 0;
                while (!stop.get()) {
                    String key = "apps/a" + (id * 100 + n % 100);
                    String value = "w" + id + "-" + n;
                    try {
                        facade.put(key, utf8(value), ConfigStore.ANY_VERSION);
                        acked.put(key, value);
                    } catch (StoreMigratingException e) {
                        fenced.incrementAndGet();
                    }
                    n++;
                }
                return null;
            }));
        }
        await().until(() -> acked.size() > 100);
        StoreMigration m = Migrator.migrate(facade, to, false, Clock.systemUTC(), () -> { });
        await().until(() -> !seen.isEmpty() && seen.get(seen.size() - 1).revision() > m.revision());
        stop.set(true);
        for (Future<?> f : writers) {
            f.get();
        }
        pool.shutdown();
        watch.close();

        assertThat(m.from()).isEqualTo("embedded");
        assertThat(m.keys()).isEqualTo(500);
        assertThat(facade.active()).isSameAs(to);
        // every acknowledged write, before or after the switch, is what the new backend holds
        for (Map.Entry<String, String> e : acked.entrySet()) {
            assertThat(to.get(e.getKey()).map(Entry::valueAsString)).as(e.getKey()).contains(e.getValue());
        }
        assertThat(to.list("apps/")).hasSize(500);
        // the old backend got nothing after the fence: what it holds is an older or equal state of each key
        long fromRevision = from.revision();
        facade.put("apps/after", utf8("x"), ConfigStore.ANY_VERSION);
        assertThat(from.revision()).isEqualTo(fromRevision);
        assertThat(from.get("apps/after")).isEmpty();
        // the watcher was told to re-list once, at the target's revision, and then saw the new backend's changes
        assertThat(resyncs).containsExactly(m.revision());
        assertThat(seen.stream().filter(c -> c.revision() > m.revision())).isNotEmpty();
    }

    @Test
    void aTargetThatHoldsKeysIsRefusedUnlessForcedAndNothingIsSwitched() {
        facade.put("apps/a", utf8("1"), ConfigStore.ANY_VERSION);
        to.put("stale", utf8("old"), ConfigStore.ANY_VERSION);

        DockereraException e = catchThrowableOfType(DockereraException.class,
                () -> Migrator.migrate(facade, to, false, Clock.systemUTC(), () -> { }));
        assertThat(e.slug()).isEqualTo("store-not-empty");
        assertThat(facade.active()).isSameAs(from);
        facade.put("apps/b", utf8("2"), ConfigStore.ANY_VERSION);

        StoreMigration m = Migrator.migrate(facade, to, true, Clock.systemUTC(), () -> { });
        assertThat(m.keys()).isEqualTo(2);
        assertThat(to.list("")).extracting(Entry::key).containsExactly("apps/a", "apps/b");
        assertThat(Migrator.checksum(to.list(""))).isEqualTo(Migrator.checksum(from.list("apps/")))
                .isEqualTo(m.checksum());
        // the old store keeps its state and says where it went
        assertThat(from.get(Moved.KEY).map(r -> Moved.fromJson(r.value()).keys())).contains(2L);
    }

    @Test
    void anotherControllerStillOnTheOldStoreRefusesEveryCallOnceTheStateMovedAwayAndTheMigratingOneIsNotStopped() {
        facade.put("apps/a", utf8("1"), ConfigStore.ANY_VERSION);
        StoreFacade standby = new StoreFacade("embedded");
        standby.switchTo(from);
        assertThat(standby.get("apps/a")).isPresent();
        assertThat(standby.health().up()).isTrue();

        StoreMigration m = Migrator.migrate(facade, to, false, Clock.systemUTC(), () -> { });

        // the controller that migrated goes on, on the new store
        facade.put("apps/b", utf8("2"), ConfigStore.ANY_VERSION);
        assertThat(to.get("apps/b")).isPresent();
        assertThat(facade.health().up()).isTrue();
        assertThat(to.get(Moved.KEY)).isEmpty();
        // the other one learns from its watch that the state moved, and then neither reads nor writes the old copy
        await().atMost(Duration.ofSeconds(10)).until(() -> !standby.health().up());
        assertThat(standby.health().detail()).contains("migrated to embedded", "backend = embedded");
        long before = from.revision();
        StoreUnavailableException put = catchThrowableOfType(StoreUnavailableException.class,
                () -> standby.put("apps/c", utf8("3"), ConfigStore.ANY_VERSION));
        assertThat(put.slug()).isEqualTo("store-moved");
        assertThat(put.getMessage()).contains("was migrated to embedded", "nothing was read or changed");
        assertThat(catchThrowableOfType(StoreUnavailableException.class, () -> standby.get("apps/a")).slug())
                .isEqualTo("store-moved");
        assertThat(catchThrowableOfType(StoreUnavailableException.class, () -> standby.list("apps/")).slug())
                .isEqualTo("store-moved");
        assertThat(catchThrowableOfType(StoreUnavailableException.class,
                () -> standby.delete("apps/a", ConfigStore.ANY_VERSION)).slug()).isEqualTo("store-moved");
        assertThat(from.revision()).isEqualTo(before);
        assertThat(from.get("apps/c")).isEmpty();
        assertThat(Moved.fromJson(from.get(Moved.KEY).orElseThrow().value()).keys()).isEqualTo(m.keys());

        // one that starts on the old store (an old etc/org.dockerera.store.cfg) refuses from its first call
        StoreFacade late = new StoreFacade("embedded");
        late.switchTo(from);
        assertThat(catchThrowableOfType(StoreUnavailableException.class, () -> late.get("apps/a")).slug())
                .isEqualTo("store-moved");

        // migrated back into the old store (with force, which empties it first): usable again everywhere
        Migrator.migrate(facade, from, true, Clock.systemUTC(), () -> { });
        assertThat(facade.get("apps/b")).isPresent();
        await().atMost(Duration.ofSeconds(10)).until(() -> standby.health().up());
        assertThat(standby.get("apps/b")).isPresent();
        assertThat(late.get("apps/b")).isPresent();
        assertThat(from.get(Moved.KEY)).isEmpty();
        assertThat(to.get(Moved.KEY)).isPresent();
        standby.close();
        late.close();
    }

    @Test
    void migratingToTheActiveBackendIsAConflict() {
        DockereraException e = catchThrowableOfType(DockereraException.class,
                () -> Migrator.migrate(facade, from, false, Clock.systemUTC(), () -> { }));
        assertThat(e.slug()).isEqualTo("store-already-active");
    }

    @Test
    void withoutARunningBackendCallsSayWhichOneIsMissingAndWritesAreNotFencedForever() {
        facade.switchTo(null);
        assertThat(catchThrowableOfType(DockereraException.class, () -> facade.get("x")).getMessage())
                .contains("embedded", "not running");
        assertThat(facade.health().up()).isFalse();
        facade.switchTo(from);
        facade.fence("redis");
        assertThat(catchThrowableOfType(StoreMigratingException.class,
                () -> facade.put("k", utf8("v"), ConfigStore.ANY_VERSION)).getMessage()).contains("redis");
        assertThat(facade.get("k")).as("reads are not fenced").isEmpty();
        facade.unfence();
        assertThat(facade.put("k", utf8("v"), ConfigStore.ANY_VERSION).version()).isPositive();
        await().atMost(Duration.ofSeconds(1)).until(() -> facade.get("k").isPresent());
    }
}
