package org.dockerera.controller.internal.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dockerera.api.App;
import org.dockerera.api.AppService.AppUpdate;
import org.dockerera.api.AppSpec;
import org.dockerera.api.Deploy;
import org.dockerera.api.DeployRequest;
import org.dockerera.api.DeployStatus;
import org.dockerera.api.DockereraException;
import org.dockerera.api.EnvVar;
import org.dockerera.api.Release;
import org.dockerera.api.ReleaseStatus;
import org.dockerera.api.events.Event;
import org.dockerera.controller.internal.HostServiceImpl;
import org.dockerera.controller.internal.SecretBox;
import org.dockerera.controller.internal.reconcile.RecordingScheduler;
import org.dockerera.controller.internal.reconcile.Rollout;
import org.dockerera.spi.store.Entry;
import org.dockerera.store.embedded.internal.MVConfigStore;
import org.dockerera.store.embedded.internal.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the app and deploy services record and refuse, on the real embedded store and no Docker host. */
class AppServiceTest {
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private MVConfigStore store;
    private HostServiceImpl hosts;
    private EngineComponent core;
    private AppServiceImpl apps;
    private DeployServiceImpl deploys;

    @BeforeEach
    void start(@TempDir Path dir) {
        store = new MVConfigStore(dir.resolve("store.mv"), Options.defaults());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        SecretBox secrets = new SecretBox(key);
        EngineIT.RecordingBus bus = new EngineIT.RecordingBus(events);
        hosts = new HostServiceImpl(store, secrets, List.of(), bus);
        hosts.start(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(1));
        core = new EngineComponent(store, secrets, hosts, hosts, new RecordingScheduler(), bus,
                new Engine.Settings(Rollout.DEFAULT, Duration.ofMillis(200), 2));
        apps = new AppServiceImpl(core);
        deploys = new DeployServiceImpl(core);
    }

    @AfterEach
    void stop() {
        core.deactivate();
        hosts.deactivate();
        store.close();
    }

    @Test
    void anAppGetsDefaultsAndIsListedAndItsNameIsChecked() {
        App app = apps.create(AppSpec.named("web.app.test"));
        assertThat(app.instances()).isEqualTo(2);
        assertThat(app.port()).isEqualTo(8080);
        assertThat(app.health().path()).isEqualTo("/");
        assertThat(apps.list()).extracting(App::name).containsExactly("web.app.test");
        assertThat(apps.get("web.app.test")).isEqualTo(app);
        assertThat(events).extracting(Event::type).contains("app.created");

        assertThatThrownBy(() -> apps.create(AppSpec.named("web.app.test"))).isInstanceOfSatisfying(
                DockereraException.class, e -> assertThat(e.slug()).isEqualTo("app-exists"));
        assertThatThrownBy(() -> apps.create(AppSpec.named("Bad_Name"))).isInstanceOfSatisfying(
                DockereraException.class, e -> assertThat(e.slug()).isEqualTo("invalid-app-name"));
        assertThatThrownBy(() -> apps.create(new AppSpec("c.test", null, null, null, null, null, null, null, null,
                null, List.of("env=~prod")))).isInstanceOf(DockereraException.class);
        assertThatThrownBy(() -> apps.get("nope.test")).isInstanceOfSatisfying(DockereraException.class,
                e -> assertThat(e.slug()).isEqualTo("app-not-found"));
    }

    @Test
    void beforeTheFirstDeployChangesOnlyRecordAndNeedNoDeploy() {
        apps.create(AppSpec.named("a.test"));
        AppUpdate u = apps.patch("a.test", new AppSpec(null, 3, null, 9000, null, null, null, null, 500, null, null),
                "t");
        assertThat(u.deploy()).isNull();
        assertThat(u.app().instances()).isEqualTo(3);
        assertThat(u.app().port()).isEqualTo(9000);
        assertThat(u.app().drainTimeoutMs()).isEqualTo(500);
        assertThat(apps.patchEnv("a.test", Map.of("A", "1"), "t").deploy()).isNull();
        assertThat(apps.env("a.test")).containsExactly(new EnvVar("A", "1", false));
        assertThatThrownBy(() -> apps.patch("a.test", AppSpec.named("other.test"), "t"))
                .isInstanceOf(DockereraException.class).hasMessageContaining("renamed");
    }

    @Test
    void envIsAMergePatchAndSecretsAreSealedAtRestAndMasked() {
        apps.create(AppSpec.named("e.test"));
        apps.patchEnv("e.test", Map.of("PLAIN", "one", "OLD", "x"), "t");
        apps.setEnv("e.test", "TOKEN", "s3cr3t-value", true, "t");
        Map<String, String> patch = new HashMap<>();
        patch.put("OLD", null);
        patch.put("PLAIN", "two");
        apps.patchEnv("e.test", patch, "t");
        assertThat(apps.env("e.test")).containsExactly(new EnvVar("PLAIN", "two", false),
                new EnvVar("TOKEN", EnvVar.MASK, true));
        apps.patchEnv("e.test", Map.of("TOKEN", "rotated"), "t");
        assertThat(apps.env("e.test")).contains(new EnvVar("TOKEN", EnvVar.MASK, true)).as("a secret stays secret");
        for (Entry e : store.list("apps/")) {
            String raw = new String(e.value(), StandardCharsets.UTF_8);
            assertThat(raw).doesNotContain("s3cr3t-value").doesNotContain("rotated").contains("two");
        }
        assertThatThrownBy(() -> apps.patchEnv("e.test", Map.of("1BAD", "x"), "t"))
                .isInstanceOfSatisfying(DockereraException.class, e -> assertThat(e.slug()).isEqualTo("invalid-env"));
        assertThat(events).filteredOn(e -> e.type().equals("app.updated")).allSatisfy(e ->
                assertThat(e.message()).doesNotContain("s3cr3t-value").doesNotContain("rotated"));
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsRecorded() {
        apps.create(AppSpec.named("b.test"));
        assertThatThrownBy(() -> deploys.deploy("b.test", new DeployRequest("UPPER/bad::tag", null), "t"))
                .isInstanceOfSatisfying(DockereraException.class, e -> assertThat(e.slug()).isEqualTo("invalid-image"));
        assertThatThrownBy(() -> deploys.deploy("nope.test", new DeployRequest("127.0.0.1:5000/w:v1", null), "t"))
                .isInstanceOfSatisfying(DockereraException.class, e -> assertThat(e.slug()).isEqualTo("app-not-found"));
        assertThatThrownBy(() -> deploys.scale("b.test", -1, "t"))
                .isInstanceOfSatisfying(DockereraException.class, e -> assertThat(e.slug())
                        .isEqualTo("invalid-instances"));
        assertThatThrownBy(() -> new DeployRequest("x/y:1", -2)).isInstanceOf(DockereraException.class);
        assertThatThrownBy(() -> deploys.restart("b.test", "t"))
                .isInstanceOfSatisfying(DockereraException.class, e -> assertThat(e.slug()).isEqualTo("not-deployed"));
        assertThatThrownBy(() -> deploys.rollback("b.test", null, "t"))
                .isInstanceOfSatisfying(DockereraException.class, e -> assertThat(e.slug())
                        .isEqualTo("no-previous-release"));
        assertThatThrownBy(() -> deploys.rollback("b.test", 7, "t"))
                .isInstanceOfSatisfying(DockereraException.class, e -> assertThat(e.slug())
                        .isEqualTo("release-not-found"));
        assertThatThrownBy(() -> deploys.get("d-nope")).isInstanceOfSatisfying(DockereraException.class,
                e -> assertThat(e.slug()).isEqualTo("deploy-not-found"));
        assertThat(deploys.list("b.test")).isEmpty();
        assertThat(apps.releases("b.test")).isEmpty();
    }

    @Test
    void withNoHostADeployFailsAtOnceWithThePlacementReasonAndTheNextQueuedOneRunsAfterIt() {
        apps.create(AppSpec.named("q.test"));
        Deploy first = deploys.deploy("q.test", new DeployRequest("127.0.0.1:5000/web:v1", null), "alice");
        Deploy second = deploys.deploy("q.test", new DeployRequest("127.0.0.1:5000/web:v2", 3), "bob");
        assertThat(first.status()).isEqualTo(DeployStatus.PENDING);
        await().atMost(Duration.ofSeconds(10)).until(() -> deploys.get(second.id()).status() == DeployStatus.FAILED);
        Deploy f = deploys.get(first.id());
        assertThat(f.status()).isEqualTo(DeployStatus.FAILED);
        assertThat(f.message()).contains("cannot place");
        assertThat(f.finished()).isBeforeOrEqualTo(deploys.get(second.id()).finished());
        assertThat(deploys.events(second.id())).extracting(Event::type).startsWith("deploy.queued");
        assertThat(deploys.events(second.id()).get(0).message()).contains("queued behind " + first.id());
        List<Release> releases = apps.releases("q.test");
        assertThat(releases).extracting(Release::version).containsExactly(2, 1);
        assertThat(releases).allSatisfy(r -> assertThat(r.status()).isEqualTo(ReleaseStatus.FAILED));
        assertThat(releases.get(0).token()).isEqualTo("bob");
        assertThat(releases.get(0).image()).isEqualTo("127.0.0.1:5000/web:v2");
        assertThat(apps.get("q.test").activeRelease()).isNull();
        assertThat(deploys.list("q.test")).extracting(Deploy::id).containsExactly(second.id(), first.id());
    }

    @Test
    void rollbackWithoutAReleaseGoesToTheOneActiveBeforeSkippingFailedOnes() {
        apps.create(AppSpec.named("r.test"));
        Ledger ledger = core.ledger();
        Instant t = Instant.parse("2026-11-23T00:00:00Z");
        put(ledger, 1, ReleaseStatus.SUPERSEDED, t);
        put(ledger, 2, ReleaseStatus.SUPERSEDED, t);
        put(ledger, 3, ReleaseStatus.FAILED, t);
        put(ledger, 4, ReleaseStatus.ACTIVE, t);
        ledger.updateApp("r.test", a -> a.withTarget(4).withApp(new App(a.app().name(), 0, a.app().type(),
                a.app().port(), a.app().command(), a.app().health(), a.app().resources(), a.app().restartPolicy(),
                a.app().drainTimeoutMs(), a.app().stopTimeoutMs(), a.app().constraints(), 4, "127.0.0.1:5000/w:4",
                a.app().created(), a.app().updated())));
        Deploy d = deploys.rollback("r.test", null, "t");
        await().atMost(Duration.ofSeconds(10)).until(() -> deploys.get(d.id()).status() != DeployStatus.PENDING);
        Release r5 = apps.release("r.test", 5);
        assertThat(r5.cause()).isEqualTo("rollback");
        assertThat(r5.image()).isEqualTo("127.0.0.1:5000/w:2");
        assertThat(r5.message()).isEqualTo("rollback to release 2");
    }

    @Test
    void domainsBelongToOneAppAtMostAndReachTheRouteTable() {
        apps.create(AppSpec.named("shop.test"));
        apps.create(AppSpec.named("blog.test"));
        DomainsComponent domains = new DomainsComponent(core);
        RoutesComponent routes = new RoutesComponent(core);
        long before = routes.table().epoch();
        assertThat(domains.add("shop.test", "WWW.Shop.com")).containsExactly("www.shop.com");
        assertThat(domains.add("shop.test", "*.shop.com")).containsExactly("*.shop.com", "www.shop.com");
        assertThat(routes.table().epoch()).isGreaterThan(before);
        assertThat(routes.table().routes()).extracting(r -> r.host() + "=" + r.app()).contains(
                "*.shop.com=shop.test", "www.shop.com=shop.test", "shop.test=shop.test", "blog.test=blog.test");
        for (String taken : List.of("www.shop.com", "blog.test")) {
            assertThatThrownBy(() -> domains.add("blog.test", taken)).isInstanceOfSatisfying(
                    DockereraException.class, e -> assertThat(e.slug()).isEqualTo("domain-taken"));
        }
        assertThatThrownBy(() -> apps.create(AppSpec.named("www.shop.com"))).isInstanceOfSatisfying(
                DockereraException.class, e -> assertThat(e.slug()).isEqualTo("domain-taken"));
        assertThatThrownBy(() -> domains.add("shop.test", "not a domain")).isInstanceOfSatisfying(
                DockereraException.class, e -> assertThat(e.slug()).isEqualTo("invalid-domain"));
        assertThat(domains.remove("shop.test", "www.shop.com")).containsExactly("*.shop.com");
        assertThat(domains.remove("shop.test", "www.shop.com")).containsExactly("*.shop.com");
        assertThat(domains.add("blog.test", "www.shop.com")).containsExactly("www.shop.com");
    }

    private static void put(Ledger ledger, int v, ReleaseStatus status, Instant t) {
        ledger.putRelease(new ReleaseRecord(new Release("r.test", v, "127.0.0.1:5000/w:" + v,
                "127.0.0.1:5000/w@sha256:" + String.valueOf(v).repeat(64), "sha256:x", "deploy", "t", t, status, null),
                Map.of(), null));
    }
}
