package org.dockerera.store.couchbase.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/**
 * How {@code etc/org.dockerera.store.couchbase.cfg} becomes {@link Options}: the configuration is given to the
 * component the way Declarative Services does it (an annotation proxy over the properties, strings converted to the
 * attribute types, defaults for what is missing).
 */
class OptionsTest {
    private static final Path SHIPPED_CFG = Path.of("../../etc/org.dockerera.store.couchbase.cfg");

    /** DS-like: properties → annotation proxy, with the attribute defaults and type conversion. */
    static CouchbaseStoreConfig config(Map<String, ?> properties) {
        return (CouchbaseStoreConfig) Proxy.newProxyInstance(CouchbaseStoreConfig.class.getClassLoader(),
                new Class<?>[] {CouchbaseStoreConfig.class}, (proxy, method, args) -> {
                    Object raw = properties.get(method.getName());
                    if (raw == null) {
                        return method.getDefaultValue();
                    }
                    String s = raw.toString().trim();
                    Class<?> type = method.getReturnType();
                    if (type == int.class) {
                        return Integer.parseInt(s);
                    }
                    if (type == boolean.class) {
                        return Boolean.parseBoolean(s);
                    }
                    return raw.toString();
                });
    }

    static Map<String, String> cfgFile(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    @Test
    void defaultsPointAtALocalClusterAndBucketDockerera() {
        Options o = Options.of(config(Map.of()));

        assertThat(o.connectionString()).isEqualTo("couchbase://127.0.0.1");
        assertThat(o.bucket()).isEqualTo("dockerera");
        assertThat(o.keyPrefix()).isEqualTo("dockerera::");
        assertThat(o.historyLength()).isEqualTo(100_000);
        assertThat(o.kvTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(o.watchPoll()).isEqualTo(Duration.ofMillis(25));
        assertThat(o.tlsEnabled()).isFalse();
    }

    @Test
    void theShippedCfgFileNamesEveryAttributeAndHoldsTheDefaults() throws IOException {
        Map<String, String> file = cfgFile(SHIPPED_CFG);
        for (Method m : CouchbaseStoreConfig.class.getDeclaredMethods()) {
            assertThat(file).as("etc/%s.cfg documents %s", CouchbaseStoreConfig.PID, m.getName())
                    .containsKey(m.getName());
        }
        assertThat(file.keySet()).allSatisfy(k -> assertThat(CouchbaseStoreConfig.class.getMethod(k)).isNotNull());
        assertThat(Options.of(config(file))).isEqualTo(Options.of(config(Map.of())));
    }

    @Test
    void valuesFromTheFileAreTrimmedAndConverted() {
        Options o = Options.of(config(Map.of("connectionString", " couchbases://cb1,cb2 ", "bucket", " cfg ",
                "username", "u", "password", "p w", "tlsCaFile", "/etc/ca.pem", "historyLength", "5000",
                "kvTimeoutMillis", "750", "keyPrefix", "prod::")));

        assertThat(o.connectionString()).isEqualTo("couchbases://cb1,cb2");
        assertThat(o.bucket()).isEqualTo("cfg");
        assertThat(o.password()).isEqualTo("p w");
        assertThat(o.tlsEnabled()).isTrue();
        assertThat(o.tlsCaFile()).isEqualTo("/etc/ca.pem");
        assertThat(o.historyLength()).isEqualTo(5000);
        assertThat(o.kvTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(o.keyPrefix()).isEqualTo("prod::");
    }

    @Test
    void badValuesAreRejectedWithTheKeyToFix() {
        assertThatThrownBy(() -> Options.of(config(Map.of("connectionString", "http://cb:8091"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectionString");
        assertThatThrownBy(() -> Options.of(config(Map.of("connectionString", "couchbase://"))))
                .hasMessageContaining("no host");
        assertThatThrownBy(() -> Options.of(config(Map.of("bucket", " ")))).hasMessageContaining("bucket");
        assertThatThrownBy(() -> Options.of(config(Map.of("historyLength", "0")))).hasMessageContaining("historyLength");
        assertThatThrownBy(() -> Options.of(config(Map.of("kvTimeoutMillis", "-1"))))
                .hasMessageContaining("kvTimeoutMillis");
        assertThatThrownBy(() -> Options.of(config(Map.of("tlsCaFile", "/ca.pem"))))
                .hasMessageContaining("TLS is off");
        assertThatThrownBy(() -> Options.of(config(Map.of("keyPrefix", "x".repeat(200)))))
                .hasMessageContaining("keyPrefix");
    }

    @Test
    void theEndpointAndToStringNeverCarryCredentials() {
        Options o = Options.of(config(Map.of("connectionString", "couchbase://admin:hunter2@cb.example:11210",
                "password", "s3cret")));

        assertThat(o.endpoint()).isEqualTo("couchbase://cb.example:11210/dockerera (keys dockerera::*)");
        assertThat(o.toString()).doesNotContain("hunter2").doesNotContain("s3cret");
    }

    @Test
    void anUnreachableClusterMakesEveryCallFailAtOnceAndHealthSaysWhere() {
        Options o = Options.of(config(Map.of("connectionString", "couchbase://127.0.0.1:1", "password", "s3cret",
                "connectTimeoutMillis", "300", "kvTimeoutMillis", "300")));
        try (CouchbaseConfigStore store = new CouchbaseConfigStore(o)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> store.get("k"))
                    .isInstanceOf(org.dockerera.spi.store.StoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(200));
            var health = store.health();
            assertThat(health.up()).isFalse();
            assertThat(health.backend()).isEqualTo("couchbase");
            assertThat(health.endpoint()).contains("127.0.0.1:1").doesNotContain("s3cret");
            assertThat(health.detail()).isNotBlank();
        }
    }
}
