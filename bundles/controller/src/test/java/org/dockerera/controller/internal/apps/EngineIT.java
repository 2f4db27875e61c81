package org.dockerera.controller.internal.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.dockerera.api.AppSpec;
import org.dockerera.api.Deploy;
import org.dockerera.api.DeployRequest;
import org.dockerera.api.DeployStatus;
import org.dockerera.api.HealthCheck;
import org.dockerera.api.HostSpec;
import org.dockerera.api.Instance;
import org.dockerera.api.InstanceState;
import org.dockerera.api.Release;
import org.dockerera.api.ReleaseStatus;
import org.dockerera.api.events.Event;
import org.dockerera.api.events.EventBus;
import org.dockerera.controller.internal.HostServiceImpl;
import org.dockerera.controller.internal.SecretBox;
import org.dockerera.controller.internal.reconcile.RecordingScheduler;
import org.dockerera.provider.docker.internal.DockerProvider;
import org.dockerera.spi.provider.ContainerInfo;
import org.dockerera.spi.provider.HostConnection;
import org.dockerera.spi.provider.HostEndpoint;
import org.dockerera.store.embedded.internal.MVConfigStore;
import org.dockerera.store.embedded.internal.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy engine without OSGi against real Docker daemons and the local registry from {@code scripts/env.sh}
 * (the real embedded store, the real provider; the scheduler is the deterministic test one). Fails without the
 * environment.
 */
class EngineIT {
    private static final Duration DEPLOY = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private Properties env;
    private Path storePath;
    private SecretBox secrets;
    private MVConfigStore store;
    private HostServiceImpl hosts;
    private EngineComponent core;
    private AppServiceImpl apps;
    private DeployServiceImpl deploys;
    private RoutesComponent routes;
    private LogsComponent logs;
    private RunsComponent runs;
    private String app;
    private List<String> hostUrls;

    @BeforeEach
    void start(@TempDir Path dir) throws IOException {
        env = new Properties();
        Path file = Path.of(System.getenv().getOrDefault("DOCKERERA_ENV", "/tmp/dockerera-env"), "env.properties");
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            env.load(r);
        }
        hostUrls = new ArrayList<>();
        for (String n : env.getProperty("hosts.plain").split(",")) {
            hostUrls.add(env.getProperty("hosts.tcp." + n.trim()));
        }
        assertThat(hostUrls).as("scripts/env.sh up 2 (or more)").hasSizeGreaterThanOrEqualTo(2);
        storePath = dir.resolve("store.mv");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        secrets = new SecretBox(key);
        boot();
        for (String url : hostUrls) {
            hosts.add(HostSpec.of(url));
        }
        app = "engine-" + Long.toHexString(System.nanoTime()) + ".test";
    }

    private void boot() {
        store = new MVConfigStore(storePath, Options.defaults());
        EventBus bus = new RecordingBus(events);
        hosts = new HostServiceImpl(store, secrets, List.of(new DockerProvider()), bus);
        hosts.start(Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(5));
        core = new EngineComponent(store, secrets, hosts, hosts, new RecordingScheduler(), bus,
                new Engine.Settings(org.dockerera.controller.internal.reconcile.Rollout.DEFAULT,
                        Duration.ofMillis(500), 2, Duration.ofSeconds(30)));
        routes = new RoutesComponent(core);
        logs = new LogsComponent(core);
        runs = new RunsComponent(core);
        apps = new AppServiceImpl(core);
        deploys = new DeployServiceImpl(core);
    }

    private void shutdown() {
        core.deactivate();
        hosts.deactivate();
        store.close();
    }

    @AfterEach
    void stop() {
        try {
            Deploy d = apps.remove(app, "test");
            awaitDone(d.id());
        } catch (RuntimeException e) {
            // the test removed it already
        }
        shutdown();
    }

    @Test
    void deploysReplacesFailsAndRollsBackWithoutDowntime() {
        apps.create(new AppSpec(app, 2, null, 8080, null, new HealthCheck("/health", 500, 500, 1, 2, 100, 15000),
                null, null, 200, 2000, null));

        Deploy first = deploys.deploy(app, new DeployRequest(env.getProperty("image.v1"), null), "test");
        assertThat(awaitDone(first.id()).status()).isEqualTo(DeployStatus.SUCCEEDED);
        List<Instance> v1 = apps.instances(app);
        assertThat(v1).hasSize(2).allSatisfy(i -> {
            assertThat(i.state()).isEqualTo(InstanceState.HEALTHY);
            assertThat(get(i.address(), "/")).startsWith("testapp v1");
        });
        assertThat(v1.stream().map(Instance::hostId).collect(Collectors.toSet())).as("distinct hosts").hasSize(2);
        assertThat(apps.get(app).activeRelease()).isEqualTo(1);
        assertThat(apps.release(app, 1).digest()).as("pinned to the registry's digest").contains("@sha256:");

        Deploy second = deploys.deploy(app, new DeployRequest(env.getProperty("image.v2"), null), "test");
        assertThat(awaitDone(second.id()).status()).isEqualTo(DeployStatus.SUCCEEDED);
        assertThat(apps.instances(app)).hasSize(2).allSatisfy(i -> {
            assertThat(i.release()).isEqualTo(2);
            assertThat(get(i.address(), "/")).startsWith("testapp v2");
        });
        assertThat(apps.release(app, 1).status()).isEqualTo(ReleaseStatus.SUPERSEDED);
        assertThat(containers(app)).as("v1's containers are removed").hasSize(2);

        Deploy broken = deploys.deploy(app, new DeployRequest(env.getProperty("image.broken"), null), "test");
        Deploy failed = awaitDone(broken.id());
        assertThat(failed.status()).isEqualTo(DeployStatus.FAILED);
        assertThat(apps.release(app, 3).status()).isEqualTo(ReleaseStatus.FAILED);
        assertThat(deploys.events(broken.id())).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("release.failed");
            assertThat(e.message()).contains("broken build");
        });
        assertThat(apps.get(app).activeRelease()).isEqualTo(2);
        await().atMost(DEPLOY).untilAsserted(() -> assertThat(apps.instances(app)).hasSize(2)
                .allSatisfy(i -> assertThat(i.release()).isEqualTo(2)));
        apps.instances(app).forEach(i -> assertThat(get(i.address(), "/")).startsWith("testapp v2"));

        Deploy back = deploys.rollback(app, null, "test");
        assertThat(awaitDone(back.id()).status()).isEqualTo(DeployStatus.SUCCEEDED);
        Release r4 = apps.release(app, 4);
        assertThat(r4.image()).isEqualTo(env.getProperty("image.v1"));
        assertThat(r4.cause()).isEqualTo("rollback");
        apps.instances(app).forEach(i -> assertThat(get(i.address(), "/")).startsWith("testapp v1"));
    }

    @Test
    void aDeployInterruptedByAControllerCrashIsCompletedAfterTheRestart() {
        apps.create(new AppSpec(app, 2, null, 8080, null, new HealthCheck("/health", 500, 500, 1, 2, 100, 15000),
                null, null, 200, 2000, null));
        Deploy d = deploys.deploy(app, new DeployRequest(env.getProperty("image.v1"), null), "test");
        await().atMost(DEPLOY).until(() -> events.stream().anyMatch(e -> e.type().equals("instance.started")));
        shutdown(); // mid-deploy: no cleanup of any kind
        boot();
        assertThat(awaitDone(d.id()).status()).isEqualTo(DeployStatus.SUCCEEDED);
        assertThat(apps.instances(app)).hasSize(2).allSatisfy(i -> assertThat(get(i.address(), "/health"))
                .isEqualTo("ok"));
        await().atMost(DEPLOY).untilAsserted(() -> assertThat(containers(app)).as("no stray container").hasSize(2));
    }

    @Test
    void aContainerWhoseStartCallTimedOutIsFoundRunningAndServesUnderItsOwnAddress() {
        apps.create(new AppSpec(app, 1, null, 8080, null, new HealthCheck("/health", 500, 500, 1, 2, 100, 15000),
                null, null, 0, 2000, null));
        assertThat(awaitDone(deploys.deploy(app, new DeployRequest(env.getProperty("image.v1"), null), "t").id())
                .status()).isEqualTo(DeployStatus.SUCCEEDED);
        Instance before = apps.instances(app).get(0);
        shutdown();
        boot();
        // what a start call that timed out leaves: the container was created (and runs), its address never learnt
        core.ledger().putInstance(core.ledger().instances(app).get(0).withContainer(before.containerId(), null)
                .withState(InstanceState.STARTING, java.time.Instant.now(), null, null));
        core.engine().kick(app);
        await().atMost(DEPLOY).untilAsserted(() -> {
            List<Instance> now = apps.instances(app);
            assertThat(now).hasSize(1);
            assertThat(now.get(0).id()).isEqualTo(before.id());
            assertThat(now.get(0).address()).isEqualTo(before.address());
            assertThat(now.get(0).state()).isEqualTo(InstanceState.HEALTHY);
        });
        assertThat(routes.table().routes().get(0).backends()).containsExactly(before.address());
    }

    @Test
    void scaleUpDownToZeroAndBackAndAnEnvChangeReachTheContainers() {
        apps.create(new AppSpec(app, 1, null, 8080, null, new HealthCheck("/health", 500, 500, 1, 2, 100, 15000),
                null, null, 0, 2000, null));
        assertThat(awaitDone(deploys.deploy(app, new DeployRequest(env.getProperty("image.v1"), null), "t").id())
                .status()).isEqualTo(DeployStatus.SUCCEEDED);
        assertThat(awaitDone(deploys.scale(app, 3, "t").id()).status()).isEqualTo(DeployStatus.SUCCEEDED);
        assertThat(apps.instances(app)).hasSize(3);
        assertThat(awaitDone(deploys.scale(app, 0, "t").id()).status()).isEqualTo(DeployStatus.SUCCEEDED);
        assertThat(apps.instances(app)).isEmpty();
        assertThat(containers(app)).isEmpty();
        assertThat(awaitDone(deploys.scale(app, 2, "t").id()).status()).isEqualTo(DeployStatus.SUCCEEDED);
        Deploy envChange = apps.patchEnv(app, Map.of("GREETING", "hi there"), "t").deploy();
        assertThat(envChange).isNotNull();
        assertThat(awaitDone(envChange.id()).status()).isEqualTo(DeployStatus.SUCCEEDED);
        assertThat(apps.instances(app)).hasSize(2).allSatisfy(i -> {
            assertThat(i.release()).isEqualTo(2);
            assertThat(get(i.address(), "/env/GREETING")).isEqualTo("hi there");
        });
        List<String> before = apps.instances(app).stream().map(Instance::id).toList();
        assertThat(awaitDone(deploys.restart(app, "t").id()).status()).isEqualTo(DeployStatus.SUCCEEDED);
        assertThat(apps.release(app, 3).cause()).isEqualTo("restart");
        assertThat(apps.instances(app)).hasSize(2).allSatisfy(i -> {
            assertThat(i.id()).isNotIn(before);
            assertThat(get(i.address(), "/env/GREETING")).isEqualTo("hi there");
        });
    }

    @Test
    void anImageMissingFromTheRegistryOrAnUnreachableRegistryFailsTheReleaseAndTheActiveOneServesOn() {
        apps.create(new AppSpec(app, 1, null, 8080, null, new HealthCheck("/health", 500, 500, 1, 2, 100, 15000),
                null, null, 0, 1000, null));
        assertThat(awaitDone(deploys.deploy(app, new DeployRequest(env.getProperty("image.v1"), null), "t").id())
                .status()).isEqualTo(DeployStatus.SUCCEEDED);
        String registry = env.getProperty("registry");
        Deploy missing = awaitDone(deploys.deploy(app, new DeployRequest(registry + "/nope:v1", null), "t").id());
        assertThat(missing.status()).isEqualTo(DeployStatus.FAILED);
        assertThat(missing.message()).contains(registry + "/nope:v1").contains("not found");
        Deploy unreachable = awaitDone(deploys.deploy(app, new DeployRequest("127.0.0.1:5999/web:v1", null), "t")
                .id());
        assertThat(unreachable.status()).isEqualTo(DeployStatus.FAILED);
        assertThat(unreachable.message()).contains("127.0.0.1:5999/web:v1");
        assertThat(apps.get(app).activeRelease()).isEqualTo(1);
        assertThat(apps.release(app, 2).status()).isEqualTo(ReleaseStatus.FAILED);
        assertThat(apps.release(app, 3).status()).isEqualTo(ReleaseStatus.FAILED);
        assertThat(apps.instances(app)).singleElement().satisfies(i -> {
            assertThat(i.release()).isEqualTo(1);
            assertThat(get(i.address(), "/")).startsWith("testapp v1");
        });
    }

    @Test
    void instancesOfAKilledHostAreReplacedAndItsOrphansRemovedWhenItReturns() throws Exception {
        apps.create(new AppSpec(app, 2, null, 8080, null, new HealthCheck("/health", 500, 500, 1, 2, 100, 15000),
                null, null, 0, 1000, null));
        assertThat(awaitDone(deploys.deploy(app, new DeployRequest(env.getProperty("image.v1"), null), "t").id())
                .status()).isEqualTo(DeployStatus.SUCCEEDED);
        Instance victim = apps.instances(app).get(0);
        String url = hosts.get(victim.hostId()).url();
        String n = hostIndex(url);
        hostsScript("stop", n);
        try {
            await().atMost(DEPLOY).untilAsserted(() -> assertThat(apps.instances(app))
                    .filteredOn(i -> i.state() == InstanceState.HEALTHY && !i.hostId().equals(victim.hostId()))
                    .hasSize(2));
            assertThat(events).anySatisfy(e -> assertThat(e.type()).isEqualTo("instance.rescheduled"));
        } finally {
            hostsScript("start", n);
        }
        await().atMost(DEPLOY).untilAsserted(() -> {
            assertThat(containersOn(url, app)).as("orphans on the returned host").isEmpty();
            assertThat(apps.instances(app)).hasSize(2);
        });
    }

    @Test
    void drainingAHostMovesItsInstancesEachReplacementHealthyBeforeTheOldOneLeaves() {
        apps.create(new AppSpec(app, 2, null, 8080, null, new HealthCheck("/health", 500, 500, 1, 2, 100, 15000),
                null, null, 200, 1000, null));
        assertThat(awaitDone(deploys.deploy(app, new DeployRequest(env.getProperty("image.v1"), null), "t").id())
                .status()).isEqualTo(DeployStatus.SUCCEEDED);
        List<String> before = apps.instances(app).stream().map(Instance::id).toList();
        Instance moved = apps.instances(app).get(0);
        try {
            hosts.drain(moved.hostId());
            await().atMost(DEPLOY).untilAsserted(() -> {
                assertThat(apps.instances(app)).hasSize(2).noneMatch(i -> i.hostId().equals(moved.hostId()))
                        .allMatch(i -> i.state() == InstanceState.HEALTHY);
                assertThat(hosts.get(moved.hostId()).draining()).isFalse();
            });
            assertThat(hosts.get(moved.hostId()).schedulable()).as("stays cordoned").isFalse();
            List<String> order = events.stream().filter(e -> e.app() != null && e.app().equals(app)
                            && (e.type().equals("instance.healthy") || e.type().equals("instance.draining")))
                    .map(e -> e.type() + " " + e.instance()).toList();
            int draining = order.indexOf("instance.draining " + moved.id());
            assertThat(draining).isPositive();
            assertThat(order.subList(0, draining)).as("a replacement was healthy before %s drained: %s", moved.id(), order)
                    .filteredOn(x -> x.startsWith("instance.healthy") && !before.contains(x.substring(17)))
                    .hasSize(1);
            assertThat(events).anySatisfy(e -> assertThat(e.type()).isEqualTo("host.drained"));
        } finally {
            hosts.uncordon(moved.hostId());
        }
    }

    @Test
    void aCrashedContainerIsRestartedInPlaceAndServesAgain() throws Exception {
        apps.create(new AppSpec(app, 1, null, 8080, null, new HealthCheck("/health", 300, 500, 1, 2, 100, 15000),
                null, "on-failure", 0, 1000, null));
        assertThat(awaitDone(deploys.deploy(app, new DeployRequest(env.getProperty("image.v1"), null), "t").id())
                .status()).isEqualTo(DeployStatus.SUCCEEDED);
        Instance before = apps.instances(app).get(0);
        String url = hosts.get(before.hostId()).url();
        Process kill = new ProcessBuilder("docker", "-H", url, "kill", before.containerId()).redirectErrorStream(true)
                .start();
        assertThat(kill.waitFor()).isZero();
        await().atMost(DEPLOY).untilAsserted(() -> assertThat(events).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("instance.failed");
            assertThat(e.instance()).isEqualTo(before.id());
            assertThat(e.message()).contains("137");
        }));
        await().atMost(DEPLOY).untilAsserted(() -> assertThat(apps.instances(app)).singleElement().satisfies(i -> {
            assertThat(i.id()).as("restarted in place").isEqualTo(before.id());
            assertThat(i.state()).isEqualTo(InstanceState.HEALTHY);
            assertThat(get(i.address(), "/health")).isEqualTo("ok");
        }));
    }

    @Test
    void theNewReleaseIsActiveAndTheOldInstanceStoppedOnlyAfterTheRouterAcknowledgedEachTable() {
        apps.create(new AppSpec(app, 1, null, 8080, null, new HealthCheck("/health", 300, 500, 1, 2, 100, 15000),
                null, null, 0, 1000, null));
        assertThat(awaitDone(deploys.deploy(app, new DeployRequest(env.getProperty("image.v1"), null), "t").id())
                .status()).isEqualTo(DeployStatus.SUCCEEDED);
        Instance old = apps.instances(app).get(0);
        String router = routes.register(new org.dockerera.api.RouterService.RouterSpec("builtin",
                "http://127.0.0.1:18080")).id();
        routes.ack(router, routes.table().epoch());

        Deploy d = deploys.deploy(app, new DeployRequest(env.getProperty("image.v2"), null), "t");
        await().atMost(DEPLOY).until(() -> backends().size() == 2);
        long added = routes.table().epoch();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                deploys.get(d.id()).status() == DeployStatus.RUNNING && apps.get(app).activeRelease() == 1);
        routes.ack(router, added);
        await().atMost(DEPLOY).until(() -> apps.get(app).activeRelease() == 2 && backends().size() == 1);
        long removed = routes.table().epoch();
        assertThat(backends()).doesNotContain(old.address());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                get(old.address(), "/").startsWith("testapp v1"));
        assertThat(deploys.get(d.id()).status()).isEqualTo(DeployStatus.RUNNING);
        routes.ack(router, removed);
        assertThat(awaitDone(d.id()).status()).isEqualTo(DeployStatus.SUCCEEDED);
        assertThat(apps.instances(app)).singleElement().satisfies(i -> assertThat(i.release()).isEqualTo(2));
        routes.leave(router);
    }

    @Test
    void theLogMergesInstancesByTimeAndKeepsTheLinesOfReplacedAndFailedInstances() {
        apps.create(new AppSpec(app, 2, null, 8080, null, new HealthCheck("/health", 500, 500, 1, 2, 100, 15000),
                null, null, 0, 1000, null));
        assertThat(awaitDone(deploys.deploy(app, new DeployRequest(env.getProperty("image.v1"), null), "t").id())
                .status()).isEqualTo(DeployStatus.SUCCEEDED);
        List<Instance> v1 = apps.instances(app);
        Set<String> v1Ids = v1.stream().map(Instance::id).collect(Collectors.toSet());
        for (Instance i : v1) {
            get(i.address(), "/env/PORT");
        }

        List<org.dockerera.api.LogEntry> log = logs.logs(app, org.dockerera.api.LogQuery.DEFAULT);
        assertThat(log).extracting(org.dockerera.api.LogEntry::time).isSorted();
        assertThat(log).allSatisfy(e -> {
            assertThat(e.release()).isEqualTo(1);
            assertThat(e.stream()).isEqualTo("stdout");
            assertThat(e.instance()).isIn(v1Ids);
        });
        for (String id : v1Ids) {
            assertThat(log).as("both instances' lines").filteredOn(e -> e.instance().equals(id))
                    .extracting(org.dockerera.api.LogEntry::line)
                    .anySatisfy(l -> assertThat(l).contains("listening on :8080"))
                    .contains("GET /env/PORT HTTP/1.1 200");
        }
        // health checks keep writing: the newest two are those of then or newer ones
        List<org.dockerera.api.LogEntry> two = logs.logs(app, new org.dockerera.api.LogQuery(2, null, null));
        assertThat(two).hasSize(2).extracting(org.dockerera.api.LogEntry::time).isSorted()
                .allSatisfy(t -> assertThat(t).isAfterOrEqualTo(log.get(log.size() - 2).time()));
        String one = v1.get(0).id();
        assertThat(logs.logs(app, new org.dockerera.api.LogQuery(null, null, one)))
                .isNotEmpty().allSatisfy(e -> assertThat(e.instance()).isEqualTo(one));
        java.time.Instant last = log.get(log.size() - 1).time();
        assertThat(logs.logs(app, new org.dockerera.api.LogQuery(null, last, null))).extracting(
                org.dockerera.api.LogEntry::time).allSatisfy(t -> assertThat(t).isAfterOrEqualTo(last));

        // a redeploy replaces both instances: their lines, up to their drain and exit, are still read
        assertThat(awaitDone(deploys.deploy(app, new DeployRequest(env.getProperty("image.v2"), null), "t").id())
                .status()).isEqualTo(DeployStatus.SUCCEEDED);
        assertThat(apps.instances(app)).noneMatch(i -> v1Ids.contains(i.id()));
        List<org.dockerera.api.LogEntry> after = logs.logs(app, new org.dockerera.api.LogQuery(1000, null, null));
        assertThat(after).extracting(org.dockerera.api.LogEntry::time).isSorted();
        for (String id : v1Ids) {
            assertThat(after).filteredOn(e -> e.instance().equals(id)).extracting(org.dockerera.api.LogEntry::line)
                    .contains("GET /env/PORT HTTP/1.1 200")
                    .anySatisfy(l -> assertThat(l).startsWith("exiting after drain"));
        }
        assertThat(after).anySatisfy(e -> {
            assertThat(e.release()).isEqualTo(2);
            assertThat(e.line()).contains("testapp v2");
        });
        assertThat(core.ledger().retainedLogs(app)).extracting(RetainedLog::instance).containsAll(v1Ids);

        // a broken release: its failed containers are removed, their last words kept
        Deploy broken = awaitDone(deploys.deploy(app, new DeployRequest(env.getProperty("image.broken"), null), "t")
                .id());
        assertThat(broken.status()).isEqualTo(DeployStatus.FAILED);
        await().atMost(DEPLOY).untilAsserted(() -> {
            assertThat(apps.instances(app)).allSatisfy(i -> assertThat(i.release()).isEqualTo(2));
            assertThat(logs.logs(app, new org.dockerera.api.LogQuery(1000, null, null))).anySatisfy(e -> {
                assertThat(e.release()).isEqualTo(3);
                assertThat(e.line()).contains("broken build, failing at start on purpose");
            });
        });

        // removing the app removes what was kept
        awaitDone(apps.remove(app, "t").id());
        assertThat(core.ledger().retainedLogs(app)).isEmpty();
    }

    @Test
    void aFollowedLogSendsTheBacklogThenNewLinesAlsoOfInstancesStartedLater() {
        apps.create(new AppSpec(app, 1, null, 8080, null, new HealthCheck("/health", 500, 500, 1, 2, 100, 15000),
                null, null, 0, 1000, null));
        assertThat(awaitDone(deploys.deploy(app, new DeployRequest(env.getProperty("image.v1"), null), "t").id())
                .status()).isEqualTo(DeployStatus.SUCCEEDED);
        Instance first = apps.instances(app).get(0);
        get(first.address(), "/env/BEFORE");
        List<org.dockerera.api.LogEntry> seen = new CopyOnWriteArrayList<>();

        try (org.dockerera.api.LogService.LogStream stream = logs.follow(app, org.dockerera.api.LogQuery.DEFAULT)) {
            stream.start(seen::add);
            assertThat(seen).extracting(org.dockerera.api.LogEntry::line).contains("GET /env/BEFORE HTTP/1.1 404");
            int backlog = seen.size();

            get(first.address(), "/env/AFTER");
            await().atMost(DEPLOY).untilAsserted(() -> assertThat(seen).extracting(org.dockerera.api.LogEntry::line)
                    .contains("GET /env/AFTER HTTP/1.1 404"));
            assertThat(awaitDone(deploys.scale(app, 2, "t").id()).status()).isEqualTo(DeployStatus.SUCCEEDED);
            Instance second = apps.instances(app).stream().filter(i -> !i.id().equals(first.id())).findFirst()
                    .orElseThrow();
            await().atMost(DEPLOY).untilAsserted(() -> assertThat(seen)
                    .filteredOn(e -> e.instance().equals(second.id())).extracting(org.dockerera.api.LogEntry::line)
                    .anySatisfy(l -> assertThat(l).contains("listening on :8080")));
            assertThat(seen.subList(backlog, seen.size())).extracting(org.dockerera.api.LogEntry::line)
                    .as("nothing of the backlog twice").doesNotContain("GET /env/BEFORE HTTP/1.1 404");
        }
    }

    @Test
    void statsOfARunningInstanceAreReadFromItsHost() {
        apps.create(new AppSpec(app, 1, null, 8080, null, new HealthCheck("/health", 500, 500, 1, 2, 100, 15000),
                new org.dockerera.api.Resources(null, null, null, 128L << 20), null, 0, 1000, null));
        assertThat(awaitDone(deploys.deploy(app, new DeployRequest(env.getProperty("image.v1"), null), "t").id())
                .status()).isEqualTo(DeployStatus.SUCCEEDED);

        await().atMost(DEPLOY).untilAsserted(() -> assertThat(apps.instances(app, true)).singleElement()
                .satisfies(i -> {
                    assertThat(i.stats()).isNotNull();
                    assertThat(i.stats().memoryBytes()).isPositive();
                    assertThat(i.stats().memoryLimitBytes()).isEqualTo(128L << 20);
                    assertThat(i.stats().cpuPercent()).isGreaterThanOrEqualTo(0.0);
                }));
        assertThat(apps.instances(app)).singleElement().satisfies(i -> assertThat(i.stats()).isNull());
    }

    @Test
    void aRunUsesTheActiveReleaseWithItsSecretsAndTheRequestsEnvironmentAndIsRemovedAfterItExited() {
        apps.create(new AppSpec(app, 1, null, 8080, null, new HealthCheck("/health", 500, 500, 1, 2, 100, 15000),
                null, null, 0, 1000, null));
        org.dockerera.api.RunRequest echo = new org.dockerera.api.RunRequest(List.of("/testapp", "--echo", "hi",
                "--exit", "3"), null);
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(org.dockerera.api.DockereraException.class,
                () -> runs.start(app, echo, "t")).slug()).isEqualTo("not-deployed");
        apps.setEnv(app, "GREETING", "secret hello", true, "t");
        assertThat(awaitDone(deploys.deploy(app, new DeployRequest(env.getProperty("image.v1"), null), "t").id())
                .status()).isEqualTo(DeployStatus.SUCCEEDED);
        Instance instance = apps.instances(app).get(0);

        org.dockerera.api.Run run = runs.start(app, echo, "t");
        assertThat(run.status()).isEqualTo(org.dockerera.api.RunStatus.RUNNING);
        assertThat(run.release()).isEqualTo(1);
        assertThat(run.image()).isEqualTo(apps.release(app, 1).digest());
        assertThat(run.command()).containsExactly("/testapp", "--echo", "hi", "--exit", "3");
        Output out = output(run.id());
        assertThat(out.exit.join()).isEqualTo(3);
        assertThat(out.lines).contains("stdout echo hi", "stdout GREETING=secret hello", "stderr stderr: hi");
        assertThat(runs.get(app, run.id())).satisfies(r -> {
            assertThat(r.status()).isEqualTo(org.dockerera.api.RunStatus.EXITED);
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.finished()).isNotNull();
        });
        await().atMost(DEPLOY).untilAsserted(() -> assertThat(runContainers(run.id())).as("removed").isEmpty());
        Output late = output(run.id());
        assertThat(late.exit.join()).as("a late reader gets it all").isEqualTo(3);
        assertThat(late.lines).isEqualTo(out.lines);

        org.dockerera.api.Run ok = runs.start(app, new org.dockerera.api.RunRequest(List.of("/testapp", "--echo",
                "bye"), Map.of("GREETING", "from the request")), "t");
        Output okOut = output(ok.id());
        assertThat(okOut.exit.join()).isZero();
        assertThat(okOut.lines).contains("stdout echo bye", "stdout GREETING=from the request");

        // a run that does not end by itself: running until removed, then gone
        org.dockerera.api.Run server = runs.start(app, new org.dockerera.api.RunRequest(List.of("/testapp"),
                Map.of("PORT", "9999")), "t");
        Output serverOut = output(server.id());
        await().atMost(DEPLOY).untilAsserted(() -> assertThat(serverOut.lines)
                .anySatisfy(l -> assertThat(l).contains("listening on :9999")));
        assertThat(runs.get(app, server.id()).status()).isEqualTo(org.dockerera.api.RunStatus.RUNNING);
        assertThat(runContainers(server.id())).hasSize(1);
        runs.remove(app, server.id());
        assertThat(serverOut.exit).isDone();
        assertThat(runContainers(server.id())).isEmpty();
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(org.dockerera.api.DockereraException.class,
                () -> runs.get(app, server.id())).slug()).isEqualTo("run-not-found");

        // the engine never took a run for an instance or an orphan
        assertThat(apps.instances(app)).singleElement().satisfies(i -> assertThat(i.id()).isEqualTo(instance.id()));
        assertThat(events).noneSatisfy(e -> assertThat(e.message()).contains("orphaned container"));
    }

    // ---- helpers ----

    /** A run's output as read through the service: {@code "<stream> <line>"}, and its exit code. */
    private record Output(List<String> lines, java.util.concurrent.CompletableFuture<Integer> exit) {
    }

    private Output output(String runId) {
        List<String> lines = new CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<Integer> exit = new java.util.concurrent.CompletableFuture<>();
        runs.output(app, runId).start(new org.dockerera.api.RunService.OutputListener() {
            @Override
            public void line(String stream, String line) {
                lines.add(stream + " " + line);
            }

            @Override
            public void exit(Integer exitCode) {
                exit.complete(exitCode);
            }
        });
        exit.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS);
        return new Output(lines, exit);
    }

    /** The run's containers on every host, straight from the daemons. */
    private List<ContainerInfo> runContainers(String runId) {
        List<ContainerInfo> out = new ArrayList<>();
        DockerProvider p = new DockerProvider();
        for (String url : hostUrls) {
            try (HostConnection c = p.connect(new HostEndpoint(url, null, Duration.ofSeconds(2), Duration.ofSeconds(5),
                    null))) {
                out.addAll(c.containers(Map.of(Runs.RUN_LABEL, runId), true));
            }
        }
        return out;
    }


    private List<String> backends() {
        return routes.table().routes().stream().filter(r -> r.app().equals(app)).findFirst()
                .map(org.dockerera.spi.router.Route::backends).orElse(List.of());
    }

    private String hostIndex(String url) {
        for (String n : env.getProperty("hosts.plain").split(",")) {
            if (url.equals(env.getProperty("hosts.tcp." + n.trim()))) {
                return n.trim();
            }
        }
        throw new IllegalStateException("no host index for " + url);
    }

    private void hostsScript(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", env.getProperty("hosts.script")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(env.getProperty("env.root"),
                        "engine-it-hosts.log").toFile())).start();
        assertThat(p.waitFor()).as("docker-hosts.sh %s", String.join(" ", args)).isZero();
    }

    private List<ContainerInfo> containersOn(String url, String appName) {
        try (HostConnection c = new DockerProvider().connect(new HostEndpoint(url, null, Duration.ofSeconds(2),
                Duration.ofSeconds(5), null))) {
            return c.containers(Map.of(Engine.APP_LABEL, appName), true);
        }
    }

    private Deploy awaitDone(String id) {
        await().atMost(DEPLOY).pollInterval(Duration.ofMillis(100)).until(() -> {
            DeployStatus s = deploys.get(id).status();
            return s == DeployStatus.SUCCEEDED || s == DeployStatus.FAILED;
        });
        return deploys.get(id);
    }

    private String get(String address, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + address + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The app's containers on every host, straight from the daemons. */
    private List<ContainerInfo> containers(String appName) {
        List<ContainerInfo> out = new ArrayList<>();
        DockerProvider p = new DockerProvider();
        for (String url : hostUrls) {
            try (HostConnection c = p.connect(new HostEndpoint(url, null, Duration.ofSeconds(2), Duration.ofSeconds(5),
                    null))) {
                out.addAll(c.containers(Map.of(Engine.APP_LABEL, appName), true));
            }
        }
        return out;
    }

    /** Events delivered synchronously to subscribers and recorded. */
    static final class RecordingBus implements EventBus {
        private final List<Event> seen;
        private final Set<Consumer<Event>> listeners = new java.util.concurrent.CopyOnWriteArraySet<>();

        RecordingBus(List<Event> seen) {
            this.seen = seen;
        }

        @Override
        public void publish(Event event) {
            seen.add(event);
            listeners.forEach(l -> l.accept(event));
        }

        @Override
        public Subscription subscribe(Consumer<Event> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }
    }
}
