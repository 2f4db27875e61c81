package org.dockerera.store.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Annotation;

import org.junit.jupiter.api.Test;

/** Parsing etc/org.dockerera.store.redis.cfg into options. */
class RedisOptionsTest {

    /** The config with its defaults, and the few values a test sets. */
    private static RedisStoreConfig config(String uri, String password, int database, boolean tls, String prefix,
                                           int history) {
        return new RedisStoreConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RedisStoreConfig.class;
            }

            @Override
            public String uri() {
                return uri;
            }

            @Override
            public String user() {
                return "";
            }

            @Override
            public String password() {
                return password;
            }

            @Override
            public int database() {
                return database;
            }

            @Override
            public boolean tls() {
                return tls;
            }

            @Override
            public String tlsCaFile() {
                return "";
            }

            @Override
            public String tlsTruststore() {
                return "";
            }

            @Override
            public String tlsTruststorePassword() {
                return "";
            }

            @Override
            public boolean tlsVerifyHostname() {
                return true;
            }

            @Override
            public String keyPrefix() {
                return prefix;
            }

            @Override
            public int historyLength() {
                return history;
            }

            @Override
            public int connectTimeoutMs() {
                return RedisOptions.DEFAULT_CONNECT_TIMEOUT_MS;
            }

            @Override
            public int socketTimeoutMs() {
                return RedisOptions.DEFAULT_SOCKET_TIMEOUT_MS;
            }

            @Override
            public int poolSize() {
                return RedisOptions.DEFAULT_POOL_SIZE;
            }
        };
    }

    private static RedisOptions parse(String uri) {
        return RedisOptions.of(config(uri, "", -1, false, "dockerera:", 100_000));
    }

    @Test
    void theDefaultsPointAtALocalRedis() {
        RedisOptions o = parse(RedisOptions.DEFAULT_URI);

        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(6379);
        assertThat(o.database()).isZero();
        assertThat(o.password()).isNull();
        assertThat(o.tls()).isFalse();
        assertThat(o.keyPrefix()).isEqualTo("dockerera:");
        assertThat(o.endpoint()).isEqualTo("redis://127.0.0.1:6379/0");
    }

    @Test
    void theUriGivesPortDatabaseCredentialsAndTls() {
        RedisOptions o = parse("rediss://app:p%40ss@redis.example.com:6380/3");

        assertThat(o.host()).isEqualTo("redis.example.com");
        assertThat(o.port()).isEqualTo(6380);
        assertThat(o.database()).isEqualTo(3);
        assertThat(o.user()).isEqualTo("app");
        assertThat(o.password()).isEqualTo("p@ss");
        assertThat(o.tls()).isTrue();
        assertThat(o.endpoint()).isEqualTo("rediss://app@redis.example.com:6380/3").doesNotContain("p@ss");
        assertThat(o.toString()).doesNotContain("p@ss");
    }

    @Test
    void aPortlessUriUsesTheRedisPortAndAPasswordOnlyUserInfoIsThePassword() {
        RedisOptions o = parse("redis://secret@localhost");

        assertThat(o.port()).isEqualTo(6379);
        assertThat(o.user()).isNull();
        assertThat(o.password()).isEqualTo("secret");
    }

    @Test
    void theSeparateKeysWinOverTheUri() {
        RedisOptions o = RedisOptions.of(config("redis://:fromuri@h:1/2", "fromkey", 5, true, "x:", 10));

        assertThat(o.password()).isEqualTo("fromkey");
        assertThat(o.database()).isEqualTo(5);
        assertThat(o.tls()).isTrue();
        assertThat(o.keyPrefix()).isEqualTo("x:");
        assertThat(o.historyLength()).isEqualTo(10);
    }

    @Test
    void anIpv6HostIsUnbracketed() {
        RedisOptions o = parse("redis://[::1]:7000");

        assertThat(o.host()).isEqualTo("::1");
        assertThat(o.endpoint()).isEqualTo("redis://[::1]:7000/0");
    }

    @Test
    void wrongValuesAreRefusedNamingWhatIsWrongWithoutThePassword() {
        assertThatThrownBy(() -> parse("http://h:1")).hasMessageContaining("redis://");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("uri is empty");
        assertThatThrownBy(() -> parse("redis://:secret@h:1/notanumber")).hasMessageContaining("database number")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> parse("redis://h:99999")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisOptions.of(config("redis://h", "", -1, false, "p:", 0)))
                .hasMessageContaining("historyLength");
    }
}
