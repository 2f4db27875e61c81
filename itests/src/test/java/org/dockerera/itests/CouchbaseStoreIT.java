package org.dockerera.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.dockerera.spi.store.Change;
import org.dockerera.spi.store.ChangeListener;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.StoreHealth;
import org.dockerera.spi.store.Watch;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * {@code feature:install dockerera-store-couchbase} in a stock Karaf 4.4.10 resolves (the SDK, reactor and
 * reactive-streams bundles), and its component becomes an active {@link ConfigStore} with
 * {@code dockerera.store=couchbase} against a CouchbaseMock that this test starts (no real Couchbase Server was
 * available). The mock runs in a child JVM of the test driver on kernel-chosen ports; it exits when the driver's
 * control socket closes, i.e. at the latest when the driver JVM ends.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CouchbaseStoreIT {
    @Inject
    FeaturesService featuresService;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() throws Exception {
        String connectionString = MockHolder.connectionString();
        MavenArtifactUrlReference karaf = maven().groupId("org.apache.karaf").artifactId("apache-karaf")
                .type("tar.gz").versionAsInProject();
        String cfg = "etc/org.dockerera.store.couchbase.cfg";
        return options(
                karafDistributionConfiguration().frameworkUrl(karaf).unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevelOption.LogLevel.WARN),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(WiringIT.freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1"),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(WiringIT.freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(WiringIT.freePort())),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository")),
                editConfigurationFilePut(cfg, "connectionString", connectionString),
                editConfigurationFilePut(cfg, "bucket", MockHolder.BUCKET),
                editConfigurationFilePut(cfg, "username", MockHolder.BUCKET),
                editConfigurationFilePut(cfg, "password", MockHolder.PASSWORD),
                editConfigurationFilePut(cfg, "keyPrefix", "it::"),
                // only the api (the probe's classes use the spi): the test installs the store feature itself, as
                // feature:install would
                features(maven().groupId("org.dockerera").artifactId("dockerera-features").classifier("features")
                        .type("xml").versionAsInProject(), "dockerera-api"),
                mavenBundle().groupId("org.assertj").artifactId("assertj-core").versionAsInProject(),
                mavenBundle().groupId("net.bytebuddy").artifactId("byte-buddy").versionAsInProject(),
                mavenBundle().groupId("org.awaitility").artifactId("awaitility").versionAsInProject(),
                mavenBundle().groupId("org.hamcrest").artifactId("hamcrest").versionAsInProject());
    }

    @Test
    public void featureInstallResolvesAndTheStoreServesKvAndWatchesFromTheMock() throws Exception {
        featuresService.installFeature("dockerera-store-couchbase",
                EnumSet.noneOf(FeaturesService.Option.class));
        assertThat(featuresService.isInstalled(featuresService.getFeature("dockerera-store-couchbase"))).isTrue();

        ConfigStore store = await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (ServiceReference<ConfigStore> ref : context.getServiceReferences(ConfigStore.class,
                    "(dockerera.store=couchbase)")) {
                return context.getService(ref);
            }
            return null;
        }, s -> s != null);
        assertThat(store.backend()).isEqualTo("couchbase");
        StoreHealth health = await().atMost(Duration.ofSeconds(60)).until(store::health, StoreHealth::up);
        assertThat(health.endpoint()).contains("/dockerera").doesNotContain(MockHolder.PASSWORD);

        List<Change> seen = new CopyOnWriteArrayList<>();
        try (Watch watch = store.watch("it/", store.revision(), new ChangeListener() {
            @Override
            public void onChange(Change change) {
                seen.add(change);
            }
        })) {
            Entry written = store.put("it/hello", "from karaf".getBytes(StandardCharsets.UTF_8), ConfigStore.ABSENT);
            assertThat(store.get("it/hello")).contains(written);
            assertThat(store.list("it/")).containsExactly(written);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(seen)
                    .extracting(Change::key).containsExactly("it/hello"));
        }
    }

    /** Driver side only: the mock process, started once for the class. */
    static final class MockHolder {
        static final String BUCKET = "dockerera";
        static final String PASSWORD = "mock-secret";
        private static org.dockerera.store.couchbase.internal.CouchbaseMockProcess mock;

        static synchronized String connectionString() throws Exception {
            if (mock == null) {
                mock = org.dockerera.store.couchbase.internal.CouchbaseMockProcess.start();
                org.dockerera.store.couchbase.internal.CouchbaseMockProcess started = mock;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (Exception ignored) {
                        // exiting anyway; the mock also exits when our control socket closes
                    }
                }));
            }
            return mock.connectionString();
        }
    }
}
