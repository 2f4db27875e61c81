package org.dockerera.controller.internal.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.dockerera.api.Leadership;
import org.dockerera.spi.store.ChangeBatch;
import org.dockerera.spi.store.ChangeListener;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.StoreHealth;
import org.dockerera.spi.store.StoreUnavailableException;
import org.dockerera.spi.store.Watch;
import org.dockerera.store.embedded.internal.MVConfigStore;
import org.dockerera.store.embedded.internal.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller lease on the real embedded store, with a hand-driven monotonic clock shared by all keepers. */
class LeaseKeeperTest {
    private static final Duration LEASE = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private MVConfigStore backing;
    private Switchable store;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<String> roleChanges = new ArrayList<>();

    @BeforeEach
    void open() {
        backing = new MVConfigStore(dir.resolve("store.mv"), Options.defaults());
        store = new Switchable(backing);
    }

    @AfterEach
    void close() {
        backing.close();
    }

    private LeaseKeeper keeper(String id) {
        return new LeaseKeeper(store, id, () -> "http://" + id + ":8181", LEASE, nanos::get, Clock.systemUTC(),
                acting -> roleChanges.add(id + (acting ? " active" : " standby")));
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void theFirstControllerTakesTheFreeLeaseAndTheSecondStaysStandbyNamingIt() {
        LeaseKeeper a = keeper("c-a");
        LeaseKeeper b = keeper("c-b");
        a.tick();
        b.tick();

        assertThat(a.acting()).isTrue();
        assertThat(b.acting()).isFalse();
        Leadership seenByB = b.view();
        assertThat(seenByB.role()).isEqualTo(Leadership.STANDBY);
        assertThat(seenByB.activeId()).isEqualTo("c-a");
        assertThat(seenByB.activeUrl()).isEqualTo("http://c-a:8181");
        assertThat(seenByB.term()).isEqualTo(1);
        assertThat(seenByB.standbyDetail()).contains("c-a at http://c-a:8181").contains("standby");
        assertThat(a.view().role()).isEqualTo(Leadership.ACTIVE);
        assertThat(roleChanges).containsExactly("c-a active");
    }

    @Test
    void aStandbyNeverTakesOverWhileTheHolderRenews() {
        LeaseKeeper a = keeper("c-a");
        LeaseKeeper b = keeper("c-b");
        a.tick();
        for (int i = 0; i < 100; i++) {
            advance(LEASE.dividedBy(3));
            a.tick();
            b.tick();
            assertThat(a.acting()).isTrue();
            assertThat(b.acting()).isFalse();
        }
    }

    @Test
    void whenTheHolderStopsRenewingTheStandbyTakesOverOnlyAfterTheHolderStoppedActing() {
        LeaseKeeper a = keeper("c-a");
        LeaseKeeper b = keeper("c-b");
        a.tick();
        b.tick(); // b sees a's version from now
        // a crashes: it never ticks again; b looks every tenth of the lease
        long crashed = nanos.get();
        int ticks = 0;
        while (!b.acting()) {
            advance(LEASE.dividedBy(10));
            b.tick();
            ticks++;
            if (b.acting()) {
                assertThat(a.acting()).as("a must have stopped acting before b starts").isFalse();
            }
        }
        assertThat(Duration.ofNanos(nanos.get() - crashed)).isBetween(LEASE, LEASE.plus(LEASE.dividedBy(10)));
        assertThat(b.view().term()).isEqualTo(2);
        assertThat(ticks).isEqualTo(10);
    }

    @Test
    void aRestartedControllerFindsItsOwnLeaseAndActsAtOnce() {
        keeper("c-a").tick();
        LeaseKeeper restarted = keeper("c-a");
        restarted.tick();
        assertThat(restarted.acting()).isTrue();
        assertThat(restarted.view().term()).isEqualTo(2);
    }

    @Test
    void aReleasedLeaseIsTakenAtTheStandbysNextTick() {
        LeaseKeeper a = keeper("c-a");
        LeaseKeeper b = keeper("c-b");
        a.tick();
        b.tick();
        a.release();
        assertThat(a.acting()).isFalse();
        b.tick();
        assertThat(b.acting()).isTrue();
        assertThat(roleChanges).containsExactly("c-a active", "c-a standby", "c-b active");
    }

    @Test
    void aHolderCutOffFromTheStoreStopsActingWhenItsLeaseRunsOutAndActsAgainWhenTheStoreIsBack() {
        LeaseKeeper a = keeper("c-a");
        a.tick();
        store.down = true;
        advance(LEASE.dividedBy(3));
        a.tick();
        assertThat(a.acting()).isTrue();
        advance(LEASE);
        a.tick();
        assertThat(a.acting()).isFalse();
        assertThat(a.view().role()).isEqualTo(Leadership.STANDBY);
        store.down = false;
        a.tick();
        assertThat(a.acting()).isTrue();
        assertThat(roleChanges).containsExactly("c-a active", "c-a standby", "c-a active");
    }

    @Test
    void aHolderWhoseLeaseWasTakenOverStepsDown() {
        LeaseKeeper a = keeper("c-a");
        LeaseKeeper b = keeper("c-b");
        a.tick();
        b.tick();
        // a is paused (a long GC, a frozen VM) past its lease; b takes over
        for (int i = 0; i < 11; i++) {
            advance(LEASE.dividedBy(10));
            b.tick();
        }
        assertThat(b.acting()).isTrue();
        assertThat(a.acting()).isFalse(); // its own deadline passed, before it even looks
        a.tick();
        assertThat(a.acting()).isFalse();
        assertThat(a.view().activeId()).isEqualTo("c-b");
    }

    /**
     * Three controllers ticking in random order, with random pauses (crashes that come back) and store outages: at
     * no instant do two of them act.
     */
    @Test
    void neverTwoActingControllersUnderRandomTicksPausesAndOutages() {
        Random random = new Random(42);
        List<LeaseKeeper> keepers = List.of(keeper("c-a"), keeper("c-b"), keeper("c-c"));
        long[] pausedUntil = new long[keepers.size()];
        int takeovers = 0;
        String lastActive = null;
        for (int step = 0; step < 20_000; step++) {
            advance(Duration.ofMillis(random.nextInt(700)));
            store.down = random.nextInt(100) < 3 ? !store.down : store.down;
            int k = random.nextInt(keepers.size());
            if (random.nextInt(500) == 0) {
                pausedUntil[k] = nanos.get() + Duration.ofSeconds(5 + random.nextInt(20)).toNanos();
            }
            if (nanos.get() >= pausedUntil[k]) {
                keepers.get(k).tick();
            }
            long acting = keepers.stream().filter(LeaseKeeper::acting).count();
            assertThat(acting).as("controllers acting at step %d", step).isLessThanOrEqualTo(1);
            Optional<LeaseKeeper> active = keepers.stream().filter(LeaseKeeper::acting).findFirst();
            if (active.isPresent() && !active.get().view().id().equals(lastActive)) {
                lastActive = active.get().view().id();
                takeovers++;
            }
        }
        assertThat(takeovers).as("the lease changed hands").isGreaterThan(3);
    }

    /** The embedded store, made unreachable at will (the real outage is covered by StoreIT's kill -9 of Redis). */
    static final class Switchable implements ConfigStore {
        private final ConfigStore delegate;
        volatile boolean down;

        Switchable(ConfigStore delegate) {
            this.delegate = delegate;
        }

        private ConfigStore up() {
            if (down) {
                throw new StoreUnavailableException("test", "switched off", (Throwable) null);
            }
            return delegate;
        }

        @Override
        public String backend() {
            return delegate.backend();
        }

        @Override
        public Optional<Entry> get(String key) {
            return up().get(key);
        }

        @Override
        public Entry put(String key, byte[] value, long expectedVersion) {
            return up().put(key, value, expectedVersion);
        }

        @Override
        public boolean delete(String key, long expectedVersion) {
            return up().delete(key, expectedVersion);
        }

        @Override
        public List<Entry> list(String prefix) {
            return up().list(prefix);
        }

        @Override
        public long revision() {
            return up().revision();
        }

        @Override
        public ChangeBatch changes(String prefix, long afterRevision, int limit) {
            return up().changes(prefix, afterRevision, limit);
        }

        @Override
        public Watch watch(String prefix, long afterRevision, ChangeListener listener) {
            return up().watch(prefix, afterRevision, listener);
        }

        @Override
        public StoreHealth health() {
            return delegate.health();
        }
    }
}
