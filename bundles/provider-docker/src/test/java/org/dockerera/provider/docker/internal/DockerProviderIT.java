package org.dockerera.provider.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.core.DockerClientImpl;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dockerera.api.TlsMaterial;
import org.dockerera.spi.provider.ContainerEvent;
import org.dockerera.spi.provider.ContainerInfo;
import org.dockerera.spi.provider.ContainerSpec;
import org.dockerera.spi.provider.EngineInfo;
import org.dockerera.spi.provider.HostConnection;
import org.dockerera.spi.provider.HostEndpoint;
import org.dockerera.spi.provider.ProviderException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provider against real Docker daemons: the hosts, TLS material and test image that {@code scripts/env.sh}
 * describes in {@code $DOCKERERA_ENV/env.properties} (default {@code /tmp/dockerera-env}). Without that file this
 * test fails: start the hosts first.
 */
class DockerProviderIT {

    private static final String TEST_LABEL = "org.dockerera.test";
    private static final String TEST_RUN = "provider-docker-it-" + ProcessHandle.current().pid();

    private static Properties env;
    private static final DockerProvider provider = new DockerProvider();
    private static final List<HostConnection> connections = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void loadEnvironment() throws IOException {
        String dir = Optional.ofNullable(System.getenv("DOCKERERA_ENV")).filter(s -> !s.isBlank())
                .orElse("/tmp/dockerera-env");
        Path file = Path.of(dir, "env.properties");
        if (!Files.isRegularFile(file)) {
            fail("DockerProviderIT needs real Docker hosts, but " + file + " does not exist: start them with "
                    + "scripts/docker-hosts.sh (it writes env.properties), or point DOCKERERA_ENV at a directory "
                    + "holding one with hosts.unix.N, hosts.tcp.N, hosts.tls.N, tls.ca/cert/key and image.v1");
        }
        env = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            env.load(r);
        }
        for (String key : new String[] {"image.v1", "tls.ca", "tls.cert", "tls.key"}) {
            if (env.getProperty(key) == null) {
                fail(file + " has no " + key);
            }
        }
        if (hosts("unix").isEmpty() || hosts("tcp").isEmpty() || hosts("tls").isEmpty()) {
            fail(file + " needs at least one hosts.unix.N, hosts.tcp.N and hosts.tls.N; has " + env.stringPropertyNames());
        }
    }

    @AfterAll
    static void removeTestContainers() {
        for (String url : allHosts()) {
            try (HostConnection c = connect(url, null)) {
                for (ContainerInfo info : c.containers(Map.of(TEST_LABEL, TEST_RUN), true)) {
                    c.remove(info.id(), true);
                }
            } catch (RuntimeException e) {
                // a host that is down cannot hold our containers' cleanup hostage
            }
        }
        for (HostConnection c : connections) {
            c.close();
        }
    }

    // --- info ---------------------------------------------------------------------------------------------------

    @Test
    void infoOverAUnixSocketAndOverTcpDescribeTheEngine() {
        String n = hosts("unix").firstKey();
        EngineInfo overUnix = connect(hosts("unix").get(n)).info();

        assertThat(overUnix.engineId()).isNotBlank();
        assertThat(overUnix.version()).isNotBlank();
        assertThat(overUnix.apiVersion()).matches("1\\.\\d+");
        assertThat(overUnix.cpus()).isPositive();
        assertThat(overUnix.memoryBytes()).isGreaterThan(64L << 20);
        assertThat(overUnix.containers()).isGreaterThanOrEqualTo(overUnix.containersRunning());

        String tcpUrl = hosts("tcp").getOrDefault(n, hosts("tcp").firstEntry().getValue());
        EngineInfo overTcp = connect(tcpUrl).info();
        assertThat(overTcp.apiVersion()).matches("1\\.\\d+");
        if (hosts("tcp").containsKey(n)) {
            assertThat(overTcp.engineId()).as("unix and tcp of host %s reach one engine", n)
                    .isEqualTo(overUnix.engineId());
        }
    }

    @Test
    void infoOverMutualTlsWithPemMaterialInMemory() {
        String url = hosts("tls").firstEntry().getValue();

        EngineInfo info = connect(url, tls()).info();

        assertThat(info.engineId()).isNotBlank();
        assertThat(info.apiVersion()).matches("1\\.\\d+");
    }

    @Test
    void aTlsHostRefusesPlainHttpAndAForeignCa() throws IOException {
        String url = hosts("tls").firstEntry().getValue();

        assertThatThrownBy(() -> connect(url, null).info())
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining(url);
        TlsMaterial ours = tls();
        String foreignCa = new String(DockerProviderIT.class.getResourceAsStream("/tls/other-ca.pem").readAllBytes(),
                StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> connect(url, new TlsMaterial(foreignCa, ours.cert(), ours.key())).info())
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining(url)
                .hasMessageContaining("TLS handshake failed");
    }

    // --- images and containers ----------------------------------------------------------------------------------

    @Test
    void pullingFromTheLocalRegistryReturnsTheRepoDigest() {
        String image = env.getProperty("image.v1");
        String repository = ImageRef.parse(image).repository();

        for (String url : List.of(hosts("tcp").firstEntry().getValue(), hosts("tls").firstEntry().getValue())) {
            HostConnection c = url.equals(hosts("tls").firstEntry().getValue()) ? connect(url, tls()) : connect(url);
            String digest = c.pull(image, null);
            assertThat(digest).matches(java.util.regex.Pattern.quote(repository) + "@sha256:[0-9a-f]{64}");
            // pinned by that digest, the pull is a no-op that returns the same digest
            assertThat(c.pull(digest, null)).isEqualTo(digest);
        }
    }

    @Test
    void pullingAnAbsentTagIsNotFound() {
        String repository = ImageRef.parse(env.getProperty("image.v1")).repository();
        HostConnection c = connect(hosts("tcp").firstEntry().getValue());

        assertThatThrownBy(() -> c.pull(repository + ":no-such-tag-" + TEST_RUN, null))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("not found on host " + hosts("tcp").firstEntry().getValue());
    }

    @Test
    void aContainerIsCreatedStartedListedStoppedAndRemoved() {
        String n = hosts("unix").firstKey();
        String url = hosts("unix").get(n);
        String hostIp = hostIpOf(n);
        HostConnection c = connect(url);
        String image = env.getProperty("image.v1");
        c.pull(image, null);
        Map<String, String> labels = Map.of(TEST_LABEL, TEST_RUN, "org.dockerera.app", "lifecycle");

        String id = c.create(new ContainerSpec("dockerera-it-" + TEST_RUN, image, null, Map.of("GREETING", "hello"),
                labels, 8080, hostIp, 64L << 20, 0.5, "on-failure:3"));
        c.start(id);
        c.start(id); // starting a running container is no error

        List<ContainerInfo> running = c.containers(labels, false);
        assertThat(running).singleElement().satisfies(info -> {
            assertThat(info.id()).isEqualTo(id);
            assertThat(info.name()).isEqualTo("dockerera-it-" + TEST_RUN);
            assertThat(info.image()).isEqualTo(image);
            assertThat(info.running()).isTrue();
            assertThat(info.labels()).containsAllEntriesOf(labels);
            assertThat(info.created()).isNotNull();
            assertThat(info.ports()).singleElement().satisfies(p -> {
                assertThat(p.hostIp()).isEqualTo(hostIp);
                assertThat(p.hostPort()).isBetween(1024, 65535);
                assertThat(p.containerPort()).isEqualTo(8080);
            });
        });
        InspectContainerResponse inspected = inspect(url, id);
        assertThat(inspected.getConfig().getEnv()).contains("GREETING=hello");
        assertThat(inspected.getHostConfig().getMemory()).isEqualTo(64L << 20);
        assertThat(inspected.getHostConfig().getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(inspected.getHostConfig().getRestartPolicy().toString()).isEqualTo("on-failure:3");

        c.stop(id, Duration.ofSeconds(2));
        c.stop(id, Duration.ofSeconds(2)); // stopping a stopped container is no error
        assertThat(c.containers(labels, false)).isEmpty();
        assertThat(c.containers(labels, true)).singleElement().satisfies(info -> {
            assertThat(info.state()).isEqualTo("exited");
            assertThat(info.running()).isFalse();
            assertThat(info.exitCode()).as("the test app exits 0 after draining on SIGTERM").isZero();
        });
        List<String> logs = c.logs(id, 2);
        assertThat(logs).hasSize(2);
        assertThat(logs.get(0)).startsWith("received SIGTERM");
        assertThat(logs.get(1)).startsWith("exiting after drain");
        assertThat(c.logs(id, 100)).first().asString().contains("listening on :8080");

        c.remove(id, false);
        c.remove(id, false); // removing an absent container is no error
        assertThat(c.containers(labels, true)).isEmpty();
        assertThatThrownBy(() -> c.start(id))
                .isInstanceOf(ProviderException.class)
                .hasMessage("container " + id + " not found on host " + url);
    }

    @Test
    void timestampedLogsFollowedLogsStatsAndTheExitOfAContainerWithItsOwnEntrypoint() throws Exception {
        String n = hosts("tcp").firstKey();
        String url = hosts("tcp").get(n);
        HostConnection c = connect(url);
        String image = env.getProperty("image.v1");
        c.pull(image, null);
        java.time.Instant before = java.time.Instant.now().minusSeconds(1);

        // the entrypoint replaced, the rest as the command: testapp --echo prints its words and exits with --exit
        String run = c.create(new ContainerSpec(null, image, List.of("--echo", "hi", "--lines", "3", "--exit", "7"),
                Map.of("GREETING", "hello"), Map.of(TEST_LABEL, TEST_RUN), null, null, null, null, "no",
                List.of("/testapp")));
        c.start(run);
        assertThat(c.awaitExit(run, Duration.ofSeconds(20))).isEqualTo(7);
        List<org.dockerera.spi.provider.LogLine> lines = c.logs(run, org.dockerera.spi.provider.LogOptions.ALL);
        assertThat(lines).extracting(l -> l.stream() + " " + l.line()).containsExactlyInAnyOrder("stdout echo hi",
                "stdout GREETING=hello", "stderr stderr: hi", "stdout line 1", "stdout line 2", "stdout line 3");
        assertThat(lines).allSatisfy(l -> assertThat(l.time()).isAfter(before));
        assertThat(lines).extracting(org.dockerera.spi.provider.LogLine::time).isSorted();
        // the last two lines Docker logged: "line 3" (stdout's last) and one more; which one depends on how the
        // process flushed stdout and stderr, and Docker's order for lines of the same instant is its own
        List<org.dockerera.spi.provider.LogLine> lastTwo = c.logs(run, org.dockerera.spi.provider.LogOptions.tail(2));
        assertThat(lastTwo).hasSize(2);
        assertThat(lastTwo).extracting(org.dockerera.spi.provider.LogLine::line).contains("line 3")
                .isSubsetOf(lines.stream().map(org.dockerera.spi.provider.LogLine::line).toList())
                .doesNotContain("echo hi", "line 1");
        java.time.Instant third = lines.stream().filter(l -> l.line().equals("line 3")).findFirst().orElseThrow().time();
        // since: every line at or after that instant, whichever stream (stderr may be flushed after stdout)
        assertThat(c.logs(run, org.dockerera.spi.provider.LogOptions.since(third))).extracting(
                org.dockerera.spi.provider.LogLine::line).containsExactlyElementsOf(lines.stream()
                .filter(l -> !l.time().isBefore(third)).map(org.dockerera.spi.provider.LogLine::line).toList())
                .contains("line 3").doesNotContain("line 2");
        assertThat(c.stats(run)).as("not running").isNull();
        c.remove(run, true);

        // a server: its lines are followed as they are written, its stats read, its end seen
        String server = c.create(new ContainerSpec(null, image, null, null, Map.of(TEST_LABEL, TEST_RUN), 8080,
                hostIpOf(n), 64L << 20, null, "no"));
        c.start(server);
        List<org.dockerera.spi.provider.LogLine> followed = new CopyOnWriteArrayList<>();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        try (AutoCloseable follow = c.followLogs(server, org.dockerera.spi.provider.LogOptions.ALL,
                new org.dockerera.spi.provider.LogFollower() {
                    @Override
                    public void line(org.dockerera.spi.provider.LogLine line) {
                        followed.add(line);
                    }

                    @Override
                    public void ended(Throwable failure) {
                        ended.complete(failure);
                    }
                })) {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(followed)
                    .anySatisfy(l -> assertThat(l.line()).contains("listening on :8080")));
            String address = c.containers(Map.of(TEST_LABEL, TEST_RUN), false).stream()
                    .filter(i -> i.id().equals(server)).findFirst().orElseThrow().ports().get(0).hostIp() + ":"
                    + c.containers(Map.of(TEST_LABEL, TEST_RUN), false).stream().filter(i -> i.id().equals(server))
                    .findFirst().orElseThrow().ports().get(0).hostPort();
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> java.net.http.HttpClient
                    .newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + address
                            + "/health")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(followed)
                    .anySatisfy(l -> assertThat(l.line()).isEqualTo("GET /health HTTP/1.1 200")));

            org.dockerera.spi.provider.ContainerStats stats = c.stats(server);
            assertThat(stats).isNotNull();
            assertThat(stats.memoryBytes()).isPositive();
            assertThat(stats.memoryLimitBytes()).isEqualTo(64L << 20);
            assertThat(stats.cpuPercent()).isGreaterThanOrEqualTo(0.0);

            c.stop(server, Duration.ofSeconds(2));
            assertThat(ended.get(15, TimeUnit.SECONDS)).as("ended by the container's exit, not an error").isNull();
            assertThat(followed).anySatisfy(l -> assertThat(l.line()).startsWith("exiting after drain"));
            assertThat(c.awaitExit(server, Duration.ofSeconds(1))).isZero();
        }
        c.remove(server, true);
        assertThatThrownBy(() -> c.awaitExit(server, Duration.ofSeconds(1))).isInstanceOf(ProviderException.class)
                .extracting(e -> ((ProviderException) e).slug()).isEqualTo("not-found-on-host");
    }

    @Test
    void anImageInUseIsNotRemovedAndAnUnusedOneIs() {
        String n = hosts("tcp").firstKey();
        String url = hosts("tcp").get(n);
        HostConnection c = connect(url);
        String image = env.getProperty("image.v2");
        c.pull(image, null);
        String id = c.create(new ContainerSpec(null, image, null, null, Map.of(TEST_LABEL, TEST_RUN), null, null, null,
                null, null));
        assertThatThrownBy(() -> c.removeImage(image)).isInstanceOf(ProviderException.class)
                .extracting(e -> ((ProviderException) e).slug()).isEqualTo("host-refused");
        c.remove(id, true);
        c.removeImage(image);
        c.removeImage(image); // removing an absent image is no error
        assertThatThrownBy(() -> c.create(new ContainerSpec(null, image, null, null, Map.of(TEST_LABEL, TEST_RUN),
                null, null, null, null, null))).isInstanceOf(ProviderException.class)
                .hasMessageContaining("not found");
        c.pull(image, null);
    }

    @Test
    void creatingFromAnAbsentImageIsNotFound() {
        String url = hosts("tcp").firstEntry().getValue();
        HostConnection c = connect(url);
        String absent = ImageRef.parse(env.getProperty("image.v1")).repository() + ":absent-" + TEST_RUN;

        assertThatThrownBy(() -> c.create(new ContainerSpec(null, absent, null, null, Map.of(TEST_LABEL, TEST_RUN),
                null, null, null, null, null)))
                .isInstanceOf(ProviderException.class)
                .hasMessage("image " + absent + " not found on host " + url);
    }

    @Test
    void theEventStreamSeesAContainerDie() throws Exception {
        String url = hosts("tcp").firstEntry().getValue();
        HostConnection c = connect(url);
        String image = env.getProperty("image.v1");
        c.pull(image, null);
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();

        try (AutoCloseable subscription = c.events(events::add, errors::add)) {
            String id = c.create(new ContainerSpec(null, image, null, null, Map.of(TEST_LABEL, TEST_RUN), null, null,
                    null, null, null));
            c.start(id);
            c.stop(id, Duration.ofSeconds(1));

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(events)
                    .filteredOn(e -> e.containerId().equals(id))
                    .extracting(ContainerEvent::action)
                    .contains("create", "start", "die"));
            ContainerEvent die = events.stream().filter(e -> e.containerId().equals(id) && e.action().equals("die"))
                    .findFirst().orElseThrow();
            assertThat(die.attributes()).containsEntry(TEST_LABEL, TEST_RUN).containsKey("exitCode");
            assertThat(die.time()).isBetween(java.time.Instant.now().minusSeconds(60), java.time.Instant.now());
            c.remove(id, true);
        }
        assertThat(errors).isEmpty();
    }

    // --- a hung daemon ------------------------------------------------------------------------------------------

    @Test
    void aStoppedDaemonFailsWithinTheCallTimeoutAndDoesNotHoldUpAnotherHost() throws Exception {
        String n = hosts("tcp").firstKey();
        String stoppedUrl = hosts("tcp").get(n);
        long pid = daemonPid(stoppedUrl);
        String otherUrl = allHosts().stream()
                .filter(u -> daemonPidOrZero(u) != pid && daemonPidOrZero(u) != 0)
                .findFirst().orElseThrow(() -> new AssertionError("need a second daemon to call meanwhile"));
        Duration callTimeout = Duration.ofSeconds(2);
        HostConnection stopped = provider.connect(new HostEndpoint(stoppedUrl, null, null, callTimeout, null));
        connections.add(stopped);
        HostConnection stoppedUnix = hosts("unix").containsKey(n)
                ? track(provider.connect(new HostEndpoint(hosts("unix").get(n), null, null, callTimeout, null)))
                : null;
        HostConnection other = otherUrl.equals(hosts("tls").firstEntry().getValue())
                ? connect(otherUrl, tls()) : connect(otherUrl);
        stopped.info(); // a pooled connection exists: the hang must be caught on it too
        other.info();

        signal("STOP", pid);
        try {
            CompletableFuture<Long> hung = CompletableFuture.supplyAsync(() -> timed(stopped));
            CompletableFuture<Long> hungUnix = stoppedUnix == null ? CompletableFuture.completedFuture(0L)
                    : CompletableFuture.supplyAsync(() -> timed(stoppedUnix));

            long start = System.nanoTime();
            assertThat(other.info().engineId()).isNotBlank();
            long otherMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(otherMs).as("a call to another host while one hangs").isLessThan(callTimeout.toMillis());
            assertThat(hung.isDone()).isFalse();

            assertThat(hung.get(10, TimeUnit.SECONDS)).as("ms until info() on the stopped host failed")
                    .isBetween(callTimeout.toMillis() - 100, callTimeout.toMillis() + 500);
            assertThat(hungUnix.get(10, TimeUnit.SECONDS)).isLessThan(callTimeout.toMillis() + 500);
            ProviderException e = catchThrowableOfType(ProviderException.class, stopped::info);
            assertThat(e.slug()).isEqualTo("host-unreachable");
            assertThat(e.getMessage()).contains(stoppedUrl).contains("no answer within 2000 ms");
        } finally {
            signal("CONT", pid);
        }
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .untilAsserted(() -> assertThat(stopped.info().engineId()).isNotBlank());
    }

    private static long timed(HostConnection c) {
        long start = System.nanoTime();
        try {
            c.info();
            throw new AssertionError("info() answered although the daemon is stopped");
        } catch (ProviderException expected) {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** hosts.KIND.N = url, by N. */
    private static TreeMap<String, String> hosts(String kind) {
        TreeMap<String, String> out = new TreeMap<>();
        String prefix = "hosts." + kind + ".";
        for (String key : env.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                out.put(key.substring(prefix.length()), env.getProperty(key).trim());
            }
        }
        return out;
    }

    private static List<String> allHosts() {
        if (env == null) {
            return List.of();
        }
        List<String> all = new ArrayList<>();
        all.addAll(hosts("unix").values());
        all.addAll(hosts("tcp").values());
        all.addAll(hosts("tls").values());
        return all;
    }

    private static TlsMaterial tls() {
        try {
            return new TlsMaterial(Files.readString(Path.of(env.getProperty("tls.ca"))),
                    Files.readString(Path.of(env.getProperty("tls.cert"))),
                    Files.readString(Path.of(env.getProperty("tls.key"))));
        } catch (IOException e) {
            throw new AssertionError("TLS material named in env.properties cannot be read", e);
        }
    }

    private static HostConnection connect(String url) {
        return connect(url, hosts("tls").containsValue(url) ? tls() : null);
    }

    private static HostConnection connect(String url, TlsMaterial tls) {
        return track(provider.connect(new HostEndpoint(url, tls, null, null, null)));
    }

    private static HostConnection track(HostConnection c) {
        connections.add(c);
        return c;
    }

    /** The address host N publishes ports on: its tcp address if it has one. */
    private static String hostIpOf(String n) {
        String tcp = Optional.ofNullable(hosts("tcp").get(n)).orElse(hosts("tls").get(n));
        return tcp == null ? "127.0.0.1" : HostUrl.parse(tcp, false).host();
    }

    private static InspectContainerResponse inspect(String url, String id) {
        HostUrl host = HostUrl.parse(url, false);
        try (DockerTransport transport = new DockerTransport(host, null, Duration.ofSeconds(2), Duration.ofSeconds(5), 2);
             DockerClient client = DockerClientImpl.getInstance(new ClientConfig(host.dockerUri()), transport)) {
            return client.inspectContainerCmd(id).exec();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The dockerd serving {@code url}: the one whose command line names its address or socket. */
    private static long daemonPid(String url) {
        long pid = daemonPidOrZero(url);
        if (pid == 0) {
            throw new AssertionError("no dockerd process found whose command line names " + url);
        }
        return pid;
    }

    private static long daemonPidOrZero(String url) {
        HostUrl host = HostUrl.parse(url, false);
        String needle = host.unix() ? host.path() : host.host() + ":" + host.port();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().matches("\\d+")) {
                    continue;
                }
                try {
                    if (!Files.readString(p.resolve("comm")).trim().equals("dockerd")) {
                        continue;
                    }
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (cmdline.contains(needle)) {
                        return Long.parseLong(p.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // the process ended
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return 0;
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %d", signal, pid).isZero();
    }
}
