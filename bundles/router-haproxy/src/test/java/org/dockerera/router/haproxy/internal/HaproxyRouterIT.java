package org.dockerera.router.haproxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HAProxy backend against the real haproxy on 127.0.0.1 with small in-test HTTP backends. */
class HaproxyRouterIT {
    private final List<HttpServer> servers = new ArrayList<>();
    private HaproxyRouter router;
    private int port;
    private Path dir;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        this.dir = dir;
        router = new HaproxyRouter();
        router.start(config(port), dir);
    }

    @AfterEach
    void stop() {
        router.stop();
        servers.forEach(s -> s.stop(0));
    }

    static HaproxyRouter.Config config(int port) {
        return new HaproxyRouter.Config() {
            public Class<? extends Annotation> annotationType() {
                return HaproxyRouter.Config.class;
            }

            public String binary() {
                return "/usr/sbin/haproxy";
            }

            public String listenHost() {
                return "127.0.0.1";
            }

            public int port() {
                return port;
            }

            public String advertisedUrl() {
                return "";
            }

            public String workDir() {
                return "";
            }

            public int appSlots() {
                return 2;
            }

            public int serverSlots() {
                return Integer.getInteger("slots", 4);
            }

            public long connectTimeoutMs() {
                return 1000;
            }

            public long timeoutMs() {
                return 10000;
            }

            public int threads() {
                return 1;
            }
        };
    }

    private String backend(String name) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        s.createContext("/", ex -> {
            byte[] body = (name + " " + ex.getRequestHeaders().getFirst("X-Forwarded-For")).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.setExecutor(Executors.newFixedThreadPool(4));
        s.start();
        servers.add(s);
        return "127.0.0.1:" + s.getAddress().getPort();
    }

    private String[] get(String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String status = all.substring(9, 12);
            String body = all.substring(all.indexOf("\r\n\r\n") + 4);
            return new String[] {status, body};
        }
    }

    @Test
    void routesByHostChangesServersAtRunTimeAndReloadsOnlyWhenTheSlotsRunOut() throws Exception {
        String a = backend("a");
        String b = backend("b");
        String c = backend("c");
        router.apply(new RouteTable(1, List.of(new Route("app.test", "app", List.of(a)),
                new Route("none.test", "none", List.of()))));
        assertThat(router.servedEpoch()).isEqualTo(1);
        assertThat(get("app.test")[0]).isEqualTo("200");
        assertThat(get("APP.test:80")[1]).startsWith("a 127.0.0.1");
        assertThat(get("unknown.test")[0]).isEqualTo("404");
        String[] none = get("none.test");
        assertThat(none[0]).isEqualTo("503");
        assertThat(none[1]).contains("no instance available");
        int reloadsAtStart = router.reloads();

        router.apply(new RouteTable(2, List.of(new Route("app.test", "app", List.of(a, b)),
                new Route("none.test", "none", List.of()))));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            seen.add(get("app.test")[1].substring(0, 1));
        }
        assertThat(seen).containsExactlyInAnyOrder("a", "b");
        router.apply(new RouteTable(3, List.of(new Route("app.test", "app", List.of(b)),
                new Route("none.test", "none", List.of()))));
        for (int i = 0; i < 6; i++) {
            assertThat(get("app.test")[1]).startsWith("b");
        }
        assertThat(router.reloads()).as("server changes go through the runtime API").isEqualTo(reloadsAtStart);

        // three servers for two slots: one seamless reload; a third app: another
        router.apply(new RouteTable(4, List.of(new Route("app.test", "app", List.of(a, b, c)),
                new Route("none.test", "none", List.of()), new Route("*.wild.test", "wild", List.of(c)))));
        assertThat(router.reloads()).isGreaterThan(reloadsAtStart);
        seen.clear();
        for (int i = 0; i < 12; i++) {
            seen.add(get("app.test")[1].substring(0, 1));
        }
        assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(get("x.wild.test")[1]).startsWith("c");
        assertThat(get("wild.test")[0]).isEqualTo("404");

        router.apply(new RouteTable(2, List.of()));
        assertThat(router.servedEpoch()).as("an older epoch is ignored").isEqualTo(4);
        assertThat(router.health().up()).isTrue();
        // HAProxy counters live in its worker: the reload above started a new one, which served 12 for app.test
        assertThat(router.stats().get("app").requests()).isEqualTo(12);
        assertThat(router.stats().get("app").statuses()).containsEntry("2xx", 12L);
    }

    @Test
    void tablesAppliedUnderLoadIncludingAReloadLoseNoRequest() throws Exception {
        String a = backend("a");
        String b = backend("b");
        String c = backend("c");
        router.apply(new RouteTable(1, List.of(new Route("app.test", "app", List.of(a)))));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Future<?>> load = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            load.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    try {
                        String[] r = get("app.test");
                        if (!r[0].equals("200")) {
                            errors.add(r[0] + " " + r[1]);
                        }
                    } catch (IOException e) {
                        errors.add(e.toString());
                    }
                }
                return null;
            }));
        }
        for (int e = 2; e <= 21; e++) {
            List<String> servers = switch (e % 3) {
                case 0 -> List.of(a, b);
                case 1 -> List.of(b, c);
                default -> e == 11 ? List.of(a, b, c) : List.of(c);
            };
            router.apply(new RouteTable(e, List.of(new Route("app.test", "app", servers))));
        }
        for (Future<?> f : load) {
            f.get();
        }
        pool.shutdown();
        assertThat(errors).as(java.nio.file.Files.readString(dir.resolve("haproxy.log"))).isEmpty();
        assertThat(router.reloads()).as("the three-server table needed one reload").isGreaterThanOrEqualTo(1);
    }

    @Test
    void anHaproxyLeftByAKilledRunKeepsServingAndIsReplacedByTheNextStart() throws Exception {
        String a = backend("a");
        router.apply(new RouteTable(1, List.of(new Route("a.test", "a", List.of(a)))));
        long leftover = router.masterPid();
        // the JVM that ran it is gone (kill -9): nothing stops HAProxy, which serves its last table
        router = null;
        assertThat(get("a.test")[0]).isEqualTo("200");
        HaproxyRouter next = new HaproxyRouter();
        next.start(config(port), dir);
        router = next;
        assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(next.masterPid()).isNotEqualTo(leftover);
        assertThat(get("a.test")[0]).isEqualTo("404");
        next.apply(new RouteTable(2, List.of(new Route("a.test", "a", List.of(a)))));
        assertThat(get("a.test")[0]).isEqualTo("200");
    }
}
