package org.dockerera.router.apache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Apache backend against the real apache2 (Debian's package; the test fails, naming the package, when it is
 * missing) on 127.0.0.1, with small in-test HTTP backends.
 */
class ApacheRouterIT {
    static {
        // the JDK's server writes headers and body apart: without TCP_NODELAY each answer waits for a delayed ACK
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final List<HttpServer> servers = new ArrayList<>();
    /** Requests each in-test instance received, by its address. */
    private final Map<String, AtomicLong> hits = new java.util.concurrent.ConcurrentHashMap<>();
    /** In-test instances' addresses by name. */
    private final Map<String, String> addresses = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<ApacheRouter> routers = new ArrayList<>();
    private ApacheRouter router;
    private int port;
    private Path dir;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        this.dir = dir;
        router = started(dir);
    }

    private ApacheRouter started(Path dir) throws IOException {
        return started(dir, 32);
    }

    private ApacheRouter started(Path dir, int memberSlots) throws IOException {
        ApacheRouter r = new ApacheRouter();
        routers.add(r);
        r.start(config(port, memberSlots), dir);
        return r;
    }

    @AfterEach
    void stop() {
        routers.forEach(ApacheRouter::stop);
        servers.forEach(s -> s.stop(0));
    }

    static ApacheRouter.Config config(int port, int memberSlots) {
        return new ApacheRouter.Config() {
            public Class<? extends Annotation> annotationType() {
                return ApacheRouter.Config.class;
            }

            public String binary() {
                return "/usr/sbin/apache2";
            }

            public String modulesDir() {
                return "/usr/lib/apache2/modules";
            }

            public String listenHost() {
                return "127.0.0.1";
            }

            public int port() {
                return port;
            }

            public String publicHost() {
                return "";
            }

            public String dir() {
                return "";
            }

            public String user() {
                return "www-data";
            }

            public String group() {
                return "www-data";
            }

            public long connectTimeoutMs() {
                return 1000;
            }

            public long timeoutMs() {
                return 10000;
            }

            public long gracefulWaitMs() {
                return 3000;
            }

            public long reloadTimeoutMs() {
                return 15000;
            }

            public int managerPort() {
                return 0;
            }

            public int memberSlots() {
                return memberSlots;
            }
        };
    }

    /** An instance answering its name and the forwarding headers it got. */
    private String backend(String name) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        AtomicLong count = new AtomicLong();
        s.createContext("/", ex -> {
            count.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            var h = ex.getRequestHeaders();
            byte[] body = (name + " xff=" + h.getFirst("X-Forwarded-For") + " host=" + h.getFirst("Host") + " xfh="
                    + h.getFirst("X-Forwarded-Host") + " xfp=" + h.getFirst("X-Forwarded-Proto") + " uri="
                    + ex.getRequestURI().getRawPath()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.setExecutor(Executors.newFixedThreadPool(8));
        s.start();
        servers.add(s);
        String address = "127.0.0.1:" + s.getAddress().getPort();
        hits.put(address, count);
        addresses.put(name, address);
        return address;
    }

    private Client.Reply get(String host) throws IOException {
        return Client.once(port, host, "/");
    }

    private String who(String host) throws IOException {
        Client.Reply r = get(host);
        assertThat(r.status()).as(host + ": " + r.body()).isEqualTo(200);
        return r.body().substring(0, r.body().indexOf(' '));
    }

    @Test
    void routesHostsToTheirInstancesRoundRobinAndAnswersUnknownHosts404AndAppsWithoutInstances503()
            throws Exception {
        String a = backend("a");
        String b = backend("b");
        String c = backend("c");
        router.apply(new RouteTable(1, List.of(new Route("app.test", "app", List.of(a, b)),
                new Route("none.test", "none", List.of()),
                new Route("*.wild.test", "wild", List.of(c)),
                new Route("exact.wild.test", "exact", List.of(a)),
                new Route("*.deep.wild.test", "deep", List.of(b)))));
        assertThat(router.servedEpoch()).isEqualTo(1);

        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            seen.merge(who("app.test"), 1, Integer::sum);
        }
        assertThat(seen).as("round robin").containsOnly(Map.entry("a", 3), Map.entry("b", 3));
        Client.Reply r = get("APP.test:80");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("xff=127.0.0.1", "host=APP.test:80", "xfh=APP.test:80", "xfp=http");
        assertThat(Client.once(port, "app.test", "/a%2Fb/c?q=1").body()).as("the path as sent")
                .endsWith("uri=/a%2Fb/c");

        Client.Reply unknown = get("unknown.test");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo(Layout.NOT_FOUND);
        Client.Reply none = get("none.test");
        assertThat(none.status()).isEqualTo(503);
        assertThat(none.body()).contains("app none has no instance available");

        assertThat(who("x.wild.test")).isEqualTo("c");
        assertThat(who("a.b.wild.test")).as("one or more labels").isEqualTo("c");
        assertThat(who("exact.wild.test")).as("an exact host beats a wildcard").isEqualTo("a");
        assertThat(who("x.deep.wild.test")).as("a longer wildcard beats a shorter one").isEqualTo("b");
        assertThat(get("wild.test").status()).as("a wildcard needs a label in front").isEqualTo(404);

        // the balancer-manager answers on its own loopback port only: not on the data port, whatever the Host says
        for (String host : List.of("site1.dockerera.invalid", "site1.dockerera.invalid:" + router.managerPort(),
                "app.test:" + router.managerPort())) {
            Client.Reply m = Client.once(port, host, router.managerPath());
            assertThat(m.status()).as(host).isEqualTo(404);
            assertThat(m.body()).doesNotContain("Balancer Manager");
        }
        assertThat(Client.once(router.managerPort(), "site1.dockerera.invalid", router.managerPath()).body())
                .contains("Balancer Manager", "balancer://site1");

        assertThat(router.health().up()).as(router.health().detail()).isTrue();
        assertThat(router.stats()).isEmpty();
        assertThat(router.url()).isEqualTo("http://127.0.0.1:" + port);
        assertThat(router.type()).isEqualTo("apache");
    }

    @Test
    void newInstancesAreAppliedAtRunTimeAndServedToEveryConnectionTheMomentTheEpochShows() throws Exception {
        String a = backend("a");
        String b = backend("b");
        router.apply(new RouteTable(1, List.of(new Route("app.test", "app", List.of(a)))));
        int reloads = router.reloads();
        Client kept = new Client(port); // a keep-alive connection opened before the change
        assertThat(kept.send("app.test", "/").body()).startsWith("a ");

        // the moment epoch 2 shows, a new connection must already reach b
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<String> firstSeen = pool.submit(() -> {
            while (router.servedEpoch() < 2) {
                Thread.onSpinWait();
            }
            return who("app.test");
        });
        router.apply(new RouteTable(2, List.of(new Route("app.test", "app", List.of(b)))));
        assertThat(firstSeen.get()).isEqualTo("b");
        pool.shutdown();
        for (int i = 0; i < 10; i++) {
            assertThat(who("app.test")).isEqualTo("b");
            assertThat(kept.send("app.test", "/").body()).as("the connection opened before").startsWith("b ");
        }
        kept.close();
        assertThat(router.reloads()).as("instances change without a reload").isEqualTo(reloads);
        assertThat(router.runtimeChanges()).isEqualTo(1);

        long generation = router.generation();
        router.apply(new RouteTable(3, List.of(new Route("APP.test", "app", List.of(b, b)))));
        assertThat(router.servedEpoch()).isEqualTo(3);
        assertThat(router.generation()).as("the same instances need nothing").isEqualTo(generation);
        assertThat(router.runtimeChanges()).isEqualTo(1);

        router.apply(new RouteTable(4, List.of(new Route("app.test", "app", List.of()))));
        Client.Reply none = get("app.test");
        assertThat(none.status()).isEqualTo(503);
        assertThat(none.body()).isEqualTo(Layout.unavailable("app"));
        router.apply(new RouteTable(5, List.of(new Route("app.test", "app", List.of(a, b)))));
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            seen.merge(who("app.test"), 1, Integer::sum);
        }
        assertThat(seen).as("both members enabled again, round robin").containsOnly(Map.entry("a", 2),
                Map.entry("b", 2));
        assertThat(router.reloads()).isEqualTo(reloads);

        router.apply(new RouteTable(6, List.of(new Route("app.test", "app", List.of(a)),
                new Route("new.test", "app", List.of(a)))));
        assertThat(router.reloads()).as("a new host name reloads").isEqualTo(reloads + 1);
        assertThat(who("new.test")).isEqualTo("a");
        assertThat(who("app.test")).isEqualTo("a");

        router.apply(new RouteTable(2, List.of()));
        assertThat(router.servedEpoch()).as("an older epoch is ignored").isEqualTo(6);
        assertThat(who("app.test")).isEqualTo("a");
    }

    @Test
    void aBalancerOutOfMemberSlotsIsReRenderedWithJustTheTablesInstances(@TempDir Path other) throws Exception {
        router.stop();
        ApacheRouter small = started(other, 2);
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            addresses.add(backend("s" + i));
        }
        small.apply(new RouteTable(1, List.of(new Route("app.test", "app", List.of(addresses.get(0))))));
        int reloads = small.reloads();
        small.apply(new RouteTable(2, List.of(new Route("app.test", "app", List.of(addresses.get(1))))));
        small.apply(new RouteTable(3, List.of(new Route("app.test", "app", List.of(addresses.get(2))))));
        assertThat(small.reloads()).as("two new addresses fit the two slots").isEqualTo(reloads);
        assertThat(managerPage(small)).contains("<td>3 [3 Used]</td>");
        small.apply(new RouteTable(4, List.of(new Route("app.test", "app", List.of(addresses.get(3))))));
        assertThat(small.reloads()).as("a third one does not").isEqualTo(reloads + 1);
        assertThat(who("app.test")).isEqualTo("s3");
        String page = managerPage(small);
        assertThat(page).as("compacted: one member, two free slots").contains("<td>3 [1 Used]</td>")
                .contains(">http://" + addresses.get(3) + "<").doesNotContain(addresses.get(0));
        small.apply(new RouteTable(5, List.of(new Route("app.test", "app", List.of(addresses.get(0))))));
        assertThat(who("app.test")).isEqualTo("s0");
        assertThat(small.reloads()).isEqualTo(reloads + 1);
    }

    private static String managerPage(ApacheRouter r) throws IOException {
        Socket s = new Socket("127.0.0.1", r.managerPort());
        try (s) {
            s.getOutputStream().write(("GET " + r.managerPath() + " HTTP/1.0\r\nHost: site1.dockerera.invalid\r\n"
                    + "Referer: http://app.test/\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aTableHttpdRefusesThrowsAndTheOldTableKeepsServing() throws Exception {
        String a = backend("a");
        String b = backend("b");
        router.apply(new RouteTable(1, List.of(new Route("app.test", "app", List.of(a)))));
        long pid = router.pid();

        assertThatThrownBy(() -> router.apply(new RouteTable(2, List.of(new Route("app.test", "app",
                List.of(b, "127.0.0.1:80:90"))))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refuses the config for route table epoch 2")
                .hasMessageContaining("still serving epoch 1")
                .hasMessageContaining("Unable to parse URL: http://127.0.0.1:80:90");
        assertThat(dir.resolve("httpd.conf.rejected")).exists();
        assertThatThrownBy(() -> router.apply(new RouteTable(3, List.of(new Route("app test", "app", List.of(b))))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'app test' is not a DNS name");

        assertThat(router.servedEpoch()).isEqualTo(1);
        assertThat(router.pid()).isEqualTo(pid);
        for (int i = 0; i < 4; i++) {
            assertThat(who("app.test")).isEqualTo("a");
        }
        router.apply(new RouteTable(4, List.of(new Route("app.test", "app", List.of(b)))));
        assertThat(who("app.test")).isEqualTo("b");
        assertThat(router.servedEpoch()).isEqualTo(4);
    }

    /**
     * Bounded load (8 keep-alive connections, GETs and POSTs) while 5 tables each replace the app's two instances by
     * two new ones, as deploys do (the old ones keep answering, as instances do while they drain): no non-2xx answer,
     * no socket error, no retry (a request that gets no answer fails the test), no reload; every acknowledged table
     * is served at once, and once every connection has finished the requests it had in flight at the ack, no request
     * reaches a removed instance any more.
     */
    @Test
    void fiveInstanceSwapsUnderKeepAliveLoadFailNoRequestAndReloadNothing() throws Exception {
        List<List<String>> sets = new ArrayList<>();
        for (int i = 0; i <= 5; i++) {
            sets.add(List.of(backend("v" + i + "a"), backend("v" + i + "b")));
        }
        router.apply(new RouteTable(1, List.of(new Route("app.test", "app", sets.get(0)))));
        Load load = new Load(8, true);
        int reloads = router.reloads();
        List<Long> applyMs = new ArrayList<>();
        for (int epoch = 2; epoch <= 6; epoch++) {
            load.awaitProgress(200);
            List<String> next = sets.get(epoch - 1);
            List<String> removed = sets.get(epoch - 2);
            long t0 = System.nanoTime();
            router.apply(new RouteTable(epoch, List.of(new Route("app.test", "app", next))));
            applyMs.add((System.nanoTime() - t0) / 1_000_000);
            Map<String, Long> atAck = snapshot(removed);
            for (int i = 0; i < 5; i++) {
                assertThat(next).as("epoch " + epoch + " acknowledged: every new connection reaches its instances")
                        .contains(addressOf(who("app.test"), sets));
            }
            load.awaitEveryConnectionCompleted(2); // what was in flight at the ack is answered by now
            Map<String, Long> drained = snapshot(removed);
            assertThat(total(drained) - total(atAck)).as("requests in flight at the ack (at most one per connection)")
                    .isLessThanOrEqualTo(8);
            load.awaitProgress(200);
            assertThat(snapshot(removed)).as("no request reaches an instance of epoch " + (epoch - 1)
                    + " once its removal was acknowledged").isEqualTo(drained);
        }
        load.awaitProgress(200);
        load.stop();
        assertThat(load.failures).as("non-2xx answers, socket errors and requests left unanswered; error log: "
                + Httpd.tail(dir.resolve("error.log"), 20)).isEmpty();
        assertThat(load.unanswered.get()).as("requests closed without an answer").isZero();
        assertThat(router.reloads()).as("instances change at run time").isEqualTo(reloads);
        assertThat(router.runtimeChanges()).isEqualTo(5);
        assertThat(load.ok.get()).isGreaterThan(1200);
        System.out.printf("ApacheRouterIT: %d requests answered 2xx during 5 instance swaps at run time, 0 reloads, 0 "
                + "unanswered; apply (manager requests + page check) took %s ms%n", load.ok.get(), applyMs);
    }

    /**
     * Bounded load (4 keep-alive connections of GETs) while 5 tables each add a host name, which reloads httpd
     * gracefully: no non-2xx answer, no connection ending in the middle of an answer, and every acknowledged table
     * served to the next new connection.
     * <p>
     * What httpd's graceful reload does to requests arriving at that moment (tried: event MPM, 2.4): old children
     * close their idle keep-alive connections (a request crossing that close gets no answer), and now and then one
     * closes a connection it has just accepted without answering it (seen about once in 50 reloads under this load;
     * the worker MPM does it more often). Such a request never reached an instance, so the client retries it once on a
     * new connection, as HTTP clients do for idempotent requests; the retries are counted and bounded (at most one per
     * connection and reload) and a second failure fails the test. Instance changes never reload (test above).
     */
    @Test
    void fiveHostNameChangesUnderKeepAliveLoadReloadAndFailNoRequestThatIsRetriedOnce() throws Exception {
        List<String> instances = List.of(backend("a1"), backend("a2"));
        List<Route> routes = new ArrayList<>(List.of(new Route("app.test", "app", instances)));
        router.apply(new RouteTable(1, routes));
        Load load = new Load(4, false);
        int reloads = router.reloads();
        List<Long> applyMs = new ArrayList<>();
        for (int epoch = 2; epoch <= 6; epoch++) {
            load.awaitProgress(200);
            routes.add(new Route("d" + epoch + ".app.test", "app", instances));
            long t0 = System.nanoTime();
            router.apply(new RouteTable(epoch, routes));
            applyMs.add((System.nanoTime() - t0) / 1_000_000);
            assertThat(instances).as("epoch " + epoch + " acknowledged: the new host name is served")
                    .contains(addressOf(who("d" + epoch + ".app.test"), List.of(instances)));
        }
        load.awaitProgress(200);
        load.stop();
        assertThat(router.reloads()).isEqualTo(reloads + 5);
        assertThat(load.failures).as("non-2xx answers and socket errors; error log: " + Httpd.tail(dir.resolve(
                "error.log"), 20)).isEmpty();
        assertThat(load.ok.get()).isGreaterThan(1200);
        assertThat(load.retriedReused.get() + load.retriedNew.get()).as("requests a reload closed without an answer")
                .isLessThanOrEqualTo(4L * 5);
        System.out.printf("ApacheRouterIT: %d requests answered 2xx during 5 host-name reloads; retried on a new "
                + "connection: %d closed unanswered on an idle keep-alive connection, %d on a just-accepted one; "
                + "apply (config test + reload) took %s ms%n", load.ok.get(), load.retriedReused.get(),
                load.retriedNew.get(), applyMs);
    }

    private Map<String, Long> snapshot(List<String> addresses) {
        Map<String, Long> out = new java.util.TreeMap<>();
        addresses.forEach(a -> out.put(a, hits.get(a).get()));
        return out;
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The address of the in-test instance named {@code name} ("v3a" …), if it is one of {@code sets}. */
    private String addressOf(String name, List<List<String>> sets) {
        String a = addresses.get(name);
        return sets.stream().anyMatch(set -> set.contains(a)) ? a : "(" + name + ", not one of " + sets + ")";
    }

    /**
     * Keep-alive connections sending requests to app.test until stopped. With {@code strict}, a request the router
     * closes without an answer is a failure; otherwise an idempotent GET that got no answer is sent once more on a
     * new connection (counted), and a second failure is one.
     */
    private final class Load {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong ok = new AtomicLong();
        final AtomicLong unanswered = new AtomicLong();
        final AtomicLong retriedReused = new AtomicLong();
        final AtomicLong retriedNew = new AtomicLong();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<AtomicLong> completed = new ArrayList<>();
        private final ExecutorService pool;
        private final List<Future<?>> tasks = new ArrayList<>();

        Load(int connections, boolean strict) {
            pool = Executors.newFixedThreadPool(connections);
            for (int t = 0; t < connections; t++) {
                boolean posts = strict && t % 2 == 1;
                AtomicLong done = new AtomicLong();
                completed.add(done);
                tasks.add(pool.submit(() -> {
                    Client client = null;
                    while (running.get()) {
                        Client.Reply r = null;
                        for (int attempt = 0; r == null; attempt++) {
                            try {
                                if (client == null) {
                                    client = new Client(port);
                                }
                                r = posts ? client.send("POST", "app.test", "/", "{\"n\":1}")
                                        : client.send("app.test", "/");
                            } catch (Client.Unanswered e) {
                                client.close();
                                client = null;
                                unanswered.incrementAndGet();
                                if (strict || attempt > 0) {
                                    failures.add("no answer" + (attempt > 0 ? " on the retry either" : "") + ": "
                                            + e.getMessage());
                                    break;
                                }
                                (e.reused() ? retriedReused : retriedNew).incrementAndGet();
                            } catch (IOException e) {
                                failures.add("socket error: " + e);
                                if (client != null) {
                                    client.close();
                                }
                                client = null;
                                break;
                            }
                        }
                        if (r != null) {
                            if (r.status() / 100 == 2) {
                                ok.incrementAndGet();
                            } else {
                                failures.add(r.status() + " " + r.body().trim());
                            }
                            if (r.close()) {
                                client.close();
                                client = null;
                            }
                        }
                        done.incrementAndGet();
                    }
                    if (client != null) {
                        client.close();
                    }
                    return null;
                }));
            }
        }

        void awaitProgress(long requests) {
            long before = ok.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() >= before + requests);
        }

        /** Waits until every connection completed {@code n} more requests than now. */
        void awaitEveryConnectionCompleted(int n) {
            List<Long> now = completed.stream().map(AtomicLong::get).toList();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (int i = 0; i < now.size(); i++) {
                    if (completed.get(i).get() < now.get(i) + n) {
                        return false;
                    }
                }
                return true;
            });
        }

        void stop() throws Exception {
            running.set(false);
            for (Future<?> f : tasks) {
                f.get();
            }
            pool.shutdown();
        }
    }

    @Test
    void stopLeavesNoHttpdProcessAndFreesThePort() throws Exception {
        router.apply(new RouteTable(1, List.of(new Route("app.test", "app", List.of(backend("a"))))));
        ProcessHandle parent = ProcessHandle.of(router.pid()).orElseThrow();
        List<ProcessHandle> children = parent.descendants().toList();
        assertThat(children).as("httpd's children").isNotEmpty();
        router.stop();
        assertThat(parent.isAlive()).isFalse();
        assertThat(children).noneMatch(ProcessHandle::isAlive);
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }

    @Test
    void anHttpdLeftByAKilledRunIsReplacedByTheNextStart() throws Exception {
        String a = backend("a");
        router.apply(new RouteTable(1, List.of(new Route("a.test", "a", List.of(a)))));
        long leftover = router.pid();
        // a second router on the same server root, as after Karaf was killed: it stops the httpd left serving
        ApacheRouter next = started(dir);
        assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(get("a.test").status()).as("a fresh start serves the empty table").isEqualTo(404);
        next.apply(new RouteTable(1, List.of(new Route("a.test", "a", List.of(a)))));
        assertThat(who("a.test")).isEqualTo("a");
    }

    @Test
    void healthIsDownWhenHttpdDiesAndTheNextTableStartsItAgain() throws Exception {
        String a = backend("a");
        String b = backend("b");
        router.apply(new RouteTable(1, List.of(new Route("a.test", "a", List.of(a)))));
        ProcessHandle parent = ProcessHandle.of(router.pid()).orElseThrow();
        parent.destroyForcibly(); // SIGKILL: the children are orphaned
        await().atMost(Duration.ofSeconds(5)).until(() -> !parent.isAlive());
        assertThat(router.health().up()).isFalse();
        assertThat(router.health().detail()).contains("not running");

        router.apply(new RouteTable(2, List.of(new Route("a.test", "a", List.of(b)))));
        assertThat(router.pid()).isNotEqualTo(parent.pid());
        assertThat(who("a.test")).isEqualTo("b");
        assertThat(router.health().up()).isTrue();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(args -> List.of(args)
                .contains(dir.resolve("httpd.conf").toString())).orElse(false)))
                .as("httpd processes on this config: the new parent and its children only")
                .allMatch(p -> p.pid() == router.pid() || p.parent().map(pp -> pp.pid() == router.pid()).orElse(false));
    }

    /** A raw HTTP/1.1 keep-alive client (the JDK's refuses to set Host). */
    static final class Client {
        record Reply(int status, String body, boolean close) {
        }

        /**
         * The connection ended (or was reset) before any byte of the answer: the request reached no instance and an
         * idempotent one may be sent again.
         */
        static final class Unanswered extends IOException {
            private final boolean reused;

            Unanswered(String message, boolean reused) {
                super(message + (reused ? " (on a keep-alive connection)" : " (on a new connection)"));
                this.reused = reused;
            }

            boolean reused() {
                return reused;
            }
        }

        private final Socket socket;
        private final InputStream in;
        private int answered;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
        }

        static Reply once(int port, String host, String path) throws IOException {
            Client c = new Client(port);
            try {
                return c.send(host, path);
            } finally {
                c.close();
            }
        }

        Reply send(String host, String path) throws IOException {
            return send("GET", host, path, null);
        }

        Reply send(String method, String host, String path, String body) throws IOException {
            int first;
            try {
                byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                        + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + b.length
                        + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(b);
                socket.getOutputStream().flush();
                first = in.read();
            } catch (IOException e) {
                throw new Unanswered(e.toString(), answered > 0);
            }
            if (first < 0) {
                throw new Unanswered("the connection ended without an answer", answered > 0);
            }
            String status = (char) first + line();
            int code = Integer.parseInt(status.split(" ")[1]);
            int length = -1;
            boolean chunked = false;
            boolean close = false;
            String l;
            while (!(l = line()).isEmpty()) {
                String lower = l.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(l.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (chunked) {
                int size;
                while ((size = Integer.parseInt(line().trim(), 16)) > 0) {
                    out.write(in.readNBytes(size));
                    line();
                }
                line();
            } else if (length >= 0) {
                out.write(in.readNBytes(length));
            }
            answered++;
            return new Reply(code, out.toString(StandardCharsets.UTF_8), close);
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    b.write(c);
                }
            }
            if (c == -1) {
                throw new IOException("the connection ended in the middle of an answer");
            }
            return b.toString(StandardCharsets.US_ASCII);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
