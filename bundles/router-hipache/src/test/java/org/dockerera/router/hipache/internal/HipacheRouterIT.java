package org.dockerera.router.hipache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.List;

import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.dockerera.store.redis.internal.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import redis.clients.jedis.Jedis;

/** The Hipache router against a real redis-server started by the test (127.0.0.1, a free port). */
class HipacheRouterIT {
    @TempDir
    static Path dir;
    static RedisServer server;
    private HipacheRouter router;
    private Jedis redis;

    @BeforeAll
    static void startServer() throws Exception {
        server = RedisServer.start(dir.resolve("redis"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.kill();
        }
    }

    @BeforeEach
    void activate() throws Exception {
        server.start();
        redis = new Jedis(server.host(), server.port());
        redis.flushDB();
        router = new HipacheRouter();
        router.activate(config(server.uri()));
    }

    @AfterEach
    void deactivate() {
        router.deactivate();
        redis.close();
    }

    static HipacheRouter.Config config(String uri) {
        return new HipacheRouter.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return HipacheRouter.Config.class;
            }

            @Override
            public String uri() {
                return uri;
            }

            @Override
            public int database() {
                return -1;
            }

            @Override
            public String password() {
                return "";
            }

            @Override
            public String ownedSet() {
                return "dockerera:hipache:frontends";
            }

            @Override
            public String advertisedUrl() {
                return "http://127.0.0.1:8090";
            }

            @Override
            public int timeoutMs() {
                return 1000;
            }
        };
    }

    @Test
    void aTableBecomesHipacheFrontendsAndARemovedHostDisappears() {
        redis.rpush("frontend:not-ours.test", "someone-else", "http://10.9.9.9:80");

        router.apply(new RouteTable(1, List.of(
                new Route("app.test", "app", List.of("127.0.0.2:32768", "127.0.0.3:32769")),
                new Route("old.test", "old", List.of("127.0.0.4:80")))));

        assertThat(redis.lrange("frontend:app.test", 0, -1))
                .containsExactly("app", "http://127.0.0.2:32768", "http://127.0.0.3:32769");
        assertThat(redis.lrange("frontend:old.test", 0, -1)).containsExactly("old", "http://127.0.0.4:80");
        assertThat(router.servedEpoch()).isEqualTo(1);

        router.apply(new RouteTable(2, List.of(new Route("app.test", "app", List.of("127.0.0.3:32769")))));

        assertThat(redis.lrange("frontend:app.test", 0, -1)).containsExactly("app", "http://127.0.0.3:32769");
        assertThat(redis.exists("frontend:old.test")).isFalse();
        assertThat(redis.lrange("frontend:not-ours.test", 0, -1)).containsExactly("someone-else",
                "http://10.9.9.9:80");
        assertThat(redis.smembers("dockerera:hipache:frontends")).containsExactly("frontend:app.test");
        assertThat(router.servedEpoch()).isEqualTo(2);
    }

    @Test
    void anOlderEpochIsIgnored() {
        router.apply(new RouteTable(5, List.of(new Route("app.test", "app", List.of("127.0.0.2:1")))));
        router.apply(new RouteTable(4, List.of()));

        assertThat(redis.lrange("frontend:app.test", 0, -1)).containsExactly("app", "http://127.0.0.2:1");
        assertThat(router.servedEpoch()).isEqualTo(5);
    }

    @Test
    void aRestartedRouterStillRemovesTheFrontendsItWroteBefore() {
        router.apply(new RouteTable(1, List.of(new Route("gone.test", "gone", List.of("127.0.0.2:1")))));
        router.deactivate();
        router = new HipacheRouter();
        router.activate(config(server.uri()));

        router.apply(new RouteTable(2, List.of()));

        assertThat(redis.exists("frontend:gone.test")).isFalse();
        assertThat(redis.exists("dockerera:hipache:frontends")).isFalse();
    }

    @Test
    void noCertificateOrFingerprintIsWritten() {
        String fingerprint = "cd".repeat(32);
        router.apply(new RouteTable(1, List.of(
                new Route("secure.test", "secure", List.of("127.0.0.2:1"), fingerprint, true))));

        for (String key : redis.keys("*")) {
            String type = redis.type(key);
            String content = switch (type) {
                case "list" -> redis.lrange(key, 0, -1).toString();
                case "set" -> redis.smembers(key).toString();
                default -> String.valueOf(redis.get(key));
            };
            assertThat(content).as(key).doesNotContain(fingerprint).doesNotContain("PRIVATE KEY");
        }
    }

    @Test
    void healthSaysWhetherRedisAnswers() throws Exception {
        router.apply(new RouteTable(1, List.of(new Route("app.test", "app", List.of("127.0.0.2:1")))));
        assertThat(router.health().up()).isTrue();
        assertThat(router.health().detail()).contains("1 frontend(s)").contains("epoch 1");
        assertThat(router.type()).isEqualTo("hipache");
        assertThat(router.url()).isEqualTo("http://127.0.0.1:8090");

        server.kill();
        try {
            assertThat(router.health().up()).isFalse();
            assertThatThrownBy(() -> router.apply(new RouteTable(2, List.of())))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(router.servedEpoch()).isEqualTo(1);
        } finally {
            server.start();
        }
    }
}
