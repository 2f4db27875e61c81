package org.dockerera.controller.internal.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.dockerera.api.App;
import org.dockerera.api.AppSpec;
import org.dockerera.api.DockereraException;
import org.dockerera.api.InstanceState;
import org.dockerera.api.ProcessType;
import org.dockerera.api.RouterService.RouterSpec;
import org.dockerera.controller.internal.reconcile.Routers;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.dockerera.store.embedded.internal.MVConfigStore;
import org.dockerera.store.embedded.internal.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The route table derived from instance records, and the router fleet's leases, on the real embedded store. */
class RoutesTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private MVConfigStore store;
    private Ledger ledger;
    private RouteFleet fleet;

    @BeforeEach
    void start(@TempDir Path dir) {
        store = new MVConfigStore(dir.resolve("store.mv"), Options.defaults());
        ledger = new Ledger(store);
        ledger.createApp(new AppRecord(App.create(AppSpec.named("web.test"), T0), Map.of(), 1, 1, false));
        ledger.createApp(new AppRecord(App.create(new AppSpec("jobs.test", 1, ProcessType.WORKER, null, null, null,
                null, null, null, null, null), T0), Map.of(), 1, 1, false));
        fleet = new RouteFleet(ledger, clock, Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        fleet.close();
        store.close();
    }

    private void instance(String app, String id, String address) {
        ledger.putInstance(InstanceRecord.starting(id, app, 1, "h-1", T0, 0, 0).withContainer("c-" + id, address)
                .withState(InstanceState.HEALTHY, T0, null, null));
    }

    @Test
    void theTableHoldsTheRoutedInstancesOfWebAppsAndEachChangeIsTheNextEpochStoredAndPublishedInOrder() {
        instance("web.test", "i-1", "127.0.0.2:32001");
        instance("web.test", "i-2", "127.0.0.3:32002");
        instance("jobs.test", "i-3", "127.0.0.2:32003");
        List<RouteTable> seen = new CopyOnWriteArrayList<>();
        fleet.subscribe(seen::add);
        RouteTable first = fleet.publish(e -> List.of("i-1", "i-2").forEach(id -> ledger.updateInstance("web.test",
                id, i -> i.withRouting(true, e, T0))));
        ledger.updateInstance("jobs.test", "i-3", i -> i.withRouting(true, 1, T0));
        assertThat(first.epoch()).isEqualTo(1);
        assertThat(first.routes()).containsExactly(new Route("web.test", "web.test",
                List.of("127.0.0.2:32001", "127.0.0.3:32002")));
        RouteTable second = fleet.publish(e -> ledger.updateInstance("web.test", "i-1",
                i -> i.withRouting(false, e, T0)));
        assertThat(second.epoch()).isEqualTo(2);
        assertThat(second.routes()).singleElement().satisfies(r -> assertThat(r.backends())
                .containsExactly("127.0.0.3:32002"));
        assertThat(fleet.table()).isEqualTo(second);
        assertThat(new String(store.get(RouteFleet.TABLE_KEY).orElseThrow().value())).contains("\"epoch\":2");
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 3);
        assertThat(seen).extracting(RouteTable::epoch).containsExactly(0L, 1L, 2L);
        // a controller restart derives the same table from the records
        assertThat(new RouteFleet(ledger, clock, Duration.ofSeconds(10)).table()).isEqualTo(second);
    }

    @Test
    void domainsAddRoutesToTheAppsBackendsAndBelongToOneAppAtMost() {
        instance("web.test", "i-1", "127.0.0.2:32001");
        ledger.updateInstance("web.test", "i-1", i -> i.withRouting(true, 1, T0));
        ledger.createApp(new AppRecord(App.create(AppSpec.named("other.test"), T0), Map.of(), 0, null, false));
        ledger.updateApp("web.test", a -> a.withDomains(List.of("www.shop.test", "*.shop.test")));
        RouteTable t = fleet.publish(e -> { });
        assertThat(t.routes()).extracting(Route::host).containsExactly("*.shop.test", "other.test", "web.test",
                "www.shop.test");
        assertThat(t.routes()).filteredOn(r -> r.app().equals("web.test")).allSatisfy(r ->
                assertThat(r.backends()).containsExactly("127.0.0.2:32001"));
        assertThatThrownBy(() -> org.dockerera.api.DomainService.normalize("shop")).isInstanceOf(
                DockereraException.class);
        assertThat(org.dockerera.api.DomainService.normalize(" WWW.Shop.Test. ")).isEqualTo("www.shop.test");
    }

    @Test
    void routersAreWaitedForUntilTheyAckOrTheirLeaseExpires() {
        assertThat(fleet.view()).isEqualTo(Routers.NONE);
        fleet.publish(e -> { });
        fleet.publish(e -> { });
        String a = fleet.register(new RouterSpec("builtin", "http://127.0.0.1:8080")).id();
        String b = fleet.register(new RouterSpec("haproxy", "http://127.0.0.1:8081")).id();
        assertThat(fleet.view()).isEqualTo(new Routers(2, 0));
        fleet.ack(a, 2);
        fleet.ack(b, 1);
        assertThat(fleet.view()).isEqualTo(new Routers(2, 1));
        now.set(T0.plusSeconds(5));
        assertThat(fleet.info(fleet.router(b).orElseThrow()).lagMs()).as("epoch 2 published 5 s ago").isEqualTo(5000);
        fleet.ack(a, 2);
        now.set(T0.plusSeconds(12)); // b's lease (10 s since its ack at T0) expired, a acked at T0+5
        assertThat(fleet.info(fleet.router(b).orElseThrow()).status()).isEqualTo("stale");
        assertThat(fleet.view()).isEqualTo(new Routers(1, 2));
        now.set(T0.plusSeconds(40));
        assertThat(fleet.info(fleet.router(b).orElseThrow()).status()).isEqualTo("down");
        fleet.leave(a);
        fleet.leave(b);
        assertThat(fleet.view()).isEqualTo(Routers.NONE);
    }

    @Test
    void badRegistrationsAndAcksAreRefused() {
        assertThatThrownBy(() -> fleet.register(new RouterSpec("squid", "http://127.0.0.1:1")))
                .isInstanceOfSatisfying(DockereraException.class, e -> assertThat(e.slug()).isEqualTo("invalid-router"));
        for (String url : List.of("http://0.0.0.0:8080", "ftp://127.0.0.1:21", "http://127.0.0.1", "nonsense")) {
            assertThatThrownBy(() -> fleet.register(new RouterSpec("builtin", url))).as(url)
                    .isInstanceOfSatisfying(DockereraException.class, e -> assertThat(e.slug())
                            .isEqualTo("invalid-router"));
        }
        assertThatThrownBy(() -> fleet.ack("r-gone", 0)).isInstanceOfSatisfying(DockereraException.class,
                e -> assertThat(e.slug()).isEqualTo("router-not-found"));
        String id = fleet.register(new RouterSpec("builtin", "http://127.0.0.1:8080")).id();
        assertThatThrownBy(() -> fleet.ack(id, 99)).isInstanceOfSatisfying(DockereraException.class,
                e -> assertThat(e.slug()).isEqualTo("invalid-epoch"));
    }
}
