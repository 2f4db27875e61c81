package org.dockerera.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.dockerera.spi.router.RouterBackend;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.Watch;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import redis.clients.jedis.Jedis;

/**
 * Wiring of the Redis parts: features dockerera-store-redis and dockerera-router-hipache installed in a stock Karaf
 * 4.4.10 (no controller), their components active against a real redis-server that the test starts inside the
 * container on 127.0.0.1 and a port chosen up front (the cfg files point at it before the features start). The
 * components come up before Redis does, as they would when Redis starts after Karaf, and recover by themselves.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RedisWiringIT {
    /** Chosen in the driver; in the container read it from the system property (statics are evaluated again). */
    static final int REDIS_PORT = freePort();

    @Inject
    @Filter(value = "(dockerera.store=redis)", timeout = 60_000)
    ConfigStore store;

    @Inject
    @Filter(value = "(dockerera.router=hipache)", timeout = 60_000)
    RouterBackend hipache;

    private Process redis;

    @Configuration
    public Option[] config() {
        MavenArtifactUrlReference karaf = maven().groupId("org.apache.karaf").artifactId("apache-karaf")
                .type("tar.gz").versionAsInProject();
        String uri = "redis://127.0.0.1:" + REDIS_PORT;
        return options(
                karafDistributionConfiguration().frameworkUrl(karaf).unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevelOption.LogLevel.WARN),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1"),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.dockerera.store.redis.cfg", "uri", uri),
                editConfigurationFilePut("etc/org.dockerera.store.redis.cfg", "keyPrefix", "wiring:"),
                editConfigurationFilePut("etc/org.dockerera.store.redis.cfg", "connectTimeoutMs", "500"),
                editConfigurationFilePut("etc/org.dockerera.router.hipache.cfg", "uri", uri),
                editConfigurationFilePut("etc/org.dockerera.router.hipache.cfg", "advertisedUrl", "http://127.0.0.1:8099"),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository")),
                features(maven().groupId("org.dockerera").artifactId("dockerera-features").classifier("features")
                        .type("xml").versionAsInProject(), "dockerera-store-redis", "dockerera-router-hipache"),
                mavenBundle().groupId("org.assertj").artifactId("assertj-core").versionAsInProject(),
                mavenBundle().groupId("net.bytebuddy").artifactId("byte-buddy").versionAsInProject(),
                mavenBundle().groupId("org.awaitility").artifactId("awaitility").versionAsInProject(),
                mavenBundle().groupId("org.hamcrest").artifactId("hamcrest").versionAsInProject(),
                systemProperty("dockerera.it.redis").value(String.valueOf(REDIS_PORT)),
                systemProperty("dockerera.it.redisDir").value(new File("target/redis-wiring").getAbsolutePath()));
    }

    /** redis-server as a child of the container's JVM, AOF fsync'd on every write; stopped after each test. */
    @Before
    public void startRedis() throws Exception {
        Path dir = Path.of(System.getProperty("dockerera.it.redisDir"));
        Files.createDirectories(dir);
        redis = new ProcessBuilder("/usr/bin/redis-server", "--bind", "127.0.0.1", "--port",
                System.getProperty("dockerera.it.redis"), "--dir", dir.toString(), "--appendonly", "yes",
                "--appendfsync", "always", "--save", "", "--logfile", "redis.log")
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Jedis j = jedis()) {
                return "PONG".equals(j.ping());
            }
        });
    }

    @After
    public void stopRedis() throws Exception {
        if (redis != null) {
            redis.destroyForcibly();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() {
        return Ports.free();
    }

    private static Jedis jedis() {
        return new Jedis("127.0.0.1", Integer.getInteger("dockerera.it.redis"));
    }

    @Test
    public void theRedisStoreIsActiveAndWritesThroughToRedis() {
        assertThat(store.backend()).isEqualTo("redis");
        await().atMost(Duration.ofSeconds(30)).until(() -> store.health().up());
        assertThat(store.health().endpoint()).isEqualTo("redis://127.0.0.1:" + Integer.getInteger("dockerera.it.redis") + "/0");

        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        long start = store.revision();
        try (Watch watch = store.watch("wiring/", start, change -> seen.add(change.key()))) {
            Entry written = store.put("wiring/a", "1".getBytes(UTF_8), ConfigStore.ABSENT);
            assertThat(store.get("wiring/a")).contains(written);
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains("wiring/a"));
        }
        try (Jedis j = jedis()) {
            assertThat(j.hget("wiring:val", "wiring/a")).isEqualTo("1");
            assertThat(j.xlen("wiring:log")).isGreaterThanOrEqualTo(1);
        }
        store.delete("wiring/a", ConfigStore.ANY_VERSION);
    }

    @Test
    public void theHipacheRouterIsActiveAndWritesFrontends() {
        assertThat(hipache.type()).isEqualTo("hipache");
        assertThat(hipache.url()).isEqualTo("http://127.0.0.1:8099");
        await().atMost(Duration.ofSeconds(30)).until(() -> hipache.health().up());
        long epoch = Math.max(hipache.servedEpoch(), 0) + 100;

        hipache.apply(new RouteTable(epoch, List.of(new Route("app.test", "app", List.of("127.0.0.5:8080")))));

        try (Jedis j = jedis()) {
            assertThat(j.lrange("frontend:app.test", 0, -1)).containsExactly("app", "http://127.0.0.5:8080");
        }
        hipache.apply(new RouteTable(epoch + 1, List.of()));
        try (Jedis j = jedis()) {
            assertThat(j.exists("frontend:app.test")).isFalse();
        }
    }
}
