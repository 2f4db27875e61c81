package org.dockerera.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Deploys through the REST API of a running distribution against the real daemons of {@code scripts/env.sh up 3}, and
 * measures, each figure next to a reference from the same run:
 * <ol>
 *   <li><b>deploy overhead</b>: {@code POST /api/apps/{app}/deploys} of a 2-instance app until its release is
 *   {@code active}, against raw {@code docker pull} + {@code docker run -d -p} + first 2xx on {@code /health} of the
 *   same image on the same two hosts, in parallel. The image is removed from every host before each side, so both
 *   pull. Rounds alternate which side goes first;</li>
 *   <li><b>host loss</b>: kill -9 of the daemon of a host running an instance until the app has its wanted count of
 *   healthy instances again, split into detection (host reported down) and replacement;</li>
 *   <li><b>route propagation</b>, per router: a host-name change (a domain added) until the router answers for it,
 *   and an instance change (a scale from 1 to 2 instances) from the table's arrival on the route stream until the
 *   router answers from the new instance.</li>
 * </ol>
 * Arguments: {@code BASE_URL TOKEN_FILE RUNS TRIALS [CONTROLLER_CFG]}; the environment from {@code $DOCKERERA_ENV}.
 */
public final class DeployBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIMIT = Duration.ofSeconds(120);
    /** How often both sides probe a starting instance, and how often the API is polled. */
    private static final int PROBE_MS = Integer.getInteger("bench.probeMs", 50);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    });
    private final String base;
    private final String token;
    private final Properties env = new Properties();
    private final String runId = Long.toHexString(System.currentTimeMillis() % 0xfffffffL);
    /** dockerera host id -> test host index N (127.0.0.N). */
    private final Map<String, Integer> indexOf = new LinkedHashMap<>();
    private final List<String> stopped = Collections.synchronizedList(new ArrayList<>());
    private final List<String> appsMade = new ArrayList<>();
    /** "N name" of raw containers not yet removed. */
    private final List<String> rawContainers = Collections.synchronizedList(new ArrayList<>());
    private String image;
    private String imageId;

    private DeployBench(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: DeployBench BASE_URL TOKEN_FILE RUNS TRIALS CHANGES [CONTROLLER_CFG]");
            System.exit(2);
        }
        DeployBench b = new DeployBench(args[0], Files.readString(Path.of(args[1])).trim());
        int runs = Integer.parseInt(args[2]);
        int trials = Integer.parseInt(args[3]);
        int changes = Integer.parseInt(args[4]);
        String cfg = args.length > 5 ? args[5] : null;
        try {
            b.setUp();
            System.out.printf("dockerera at %s, hosts %s, image %s, probes every %d ms on both sides%n", b.base,
                    b.indexOf.values(), b.image, PROBE_MS);
            if (cfg != null && Files.exists(Path.of(cfg))) {
                Properties c = new Properties();
                try (InputStream in = Files.newInputStream(Path.of(cfg))) {
                    c.load(in);
                }
                System.out.printf("controller: heartbeatIntervalMs=%s downAfterMs=%s deployBatchSize=%s "
                                + "deployMaxSurge=%s%n", c.getProperty("heartbeatIntervalMs"),
                        c.getProperty("downAfterMs"), c.getProperty("deployBatchSize"),
                        c.getProperty("deployMaxSurge"));
            }
            if (runs > 0) {
                b.deployOverhead(runs);
            }
            if (trials > 0) {
                b.hostLoss(trials);
            }
            if (changes > 0) {
                b.propagation(changes);
                b.instancePropagation(Math.max(10, changes / 4));
            }
        } finally {
            b.tearDown();
        }
    }

    // ==== (c) route propagation ======================================================================================

    /**
     * A route table change (a domain added to an app) until every registered router answers for the new host name
     * (503 for an app without instances, instead of 404), polled every 0.2 ms on a fresh connection per poll.
     */
    private void propagation(int changes) throws Exception {
        java.util.Map<String, String> routers = new java.util.LinkedHashMap<>(); // url -> type
        for (JsonNode r : call("GET", "/api/routers", null, 200)) {
            routers.put(r.get("url").asText(), r.get("type").asText());
        }
        System.out.printf("%n== route propagation: POST …/domains -> each router (%s) answers for the new host ==%n",
                routers);
        if (routers.isEmpty()) {
            System.out.println("no router registered: nothing to measure");
            return;
        }
        String app = "prop-" + Long.toHexString(System.nanoTime() % 0xfffffffL) + ".bench.test";
        call("POST", "/api/apps", "{\"name\":" + JSON.writeValueAsString(app) + ",\"instances\":0}", 201);
        appsMade.add(app);
        List<Double> all = new ArrayList<>();
        java.util.Map<String, List<Double>> perRouter = new java.util.LinkedHashMap<>();
        routers.keySet().forEach(u -> perRouter.put(u, new ArrayList<>()));
        java.util.concurrent.ExecutorService pollers = java.util.concurrent.Executors.newFixedThreadPool(routers.size());
        try {
            for (int i = 0; i < changes + 5; i++) {
                String domain = "d" + i + "." + app;
                long t0 = System.nanoTime();
                call("POST", "/api/apps/" + app + "/domains", "{\"domain\":" + JSON.writeValueAsString(domain) + "}",
                        201);
                java.util.Map<String, java.util.concurrent.Future<Double>> waits = new java.util.LinkedHashMap<>();
                for (String r : routers.keySet()) { // each router polled on its own, so each gets its own time
                    waits.put(r, pollers.submit(() -> {
                        java.net.URI u = java.net.URI.create(r);
                        while (status(u.getHost(), u.getPort(), domain) == 404) {
                            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                            if (System.nanoTime() - t0 > 10_000_000_000L) {
                                throw new IllegalStateException("router " + r + " did not serve " + domain
                                        + " within 10 s");
                            }
                        }
                        return (System.nanoTime() - t0) / 1e6;
                    }));
                }
                double slowest = 0;
                for (java.util.Map.Entry<String, java.util.concurrent.Future<Double>> w : waits.entrySet()) {
                    double ms = w.getValue().get();
                    slowest = Math.max(slowest, ms);
                    if (i >= 5) {
                        perRouter.get(w.getKey()).add(ms);
                    }
                }
                if (i >= 5) { // the first few warm the path up
                    all.add(slowest);
                }
            }
        } finally {
            pollers.shutdownNow();
        }
        for (java.util.Map.Entry<String, List<Double>> e : perRouter.entrySet()) {
            summary("route propagation, " + routers.get(e.getKey()) + " (" + e.getKey() + ")", e.getValue());
        }
        summary("route propagation, every router", all);
    }

    /**
     * An instance change (the app scaled from 1 to 2 instances: the table gains one backend, its host names stay) until
     * each registered router answers from the new instance, timed from the moment the table reaches this process on
     * the route stream (what remote routers follow; in-process ones get it at the same time), each router polled on
     * its own, on a fresh connection per poll. The app is scaled back to 1 between samples; the first 2 warm up.
     */
    private void instancePropagation(int samples) throws Exception {
        java.util.Map<String, String> routers = new java.util.LinkedHashMap<>(); // url -> type
        for (JsonNode r : call("GET", "/api/routers", null, 200)) {
            routers.put(r.get("url").asText(), r.get("type").asText());
        }
        System.out.printf("%n== route propagation of an instance change: scale 1 -> 2, table on the route stream -> each "
                + "router (%s) answers from the new instance ==%n", routers);
        if (routers.isEmpty()) {
            System.out.println("no router registered: nothing to measure");
            return;
        }
        String app = "propi-" + runId + ".bench.test";
        call("POST", "/api/apps", "{\"name\":" + q(app) + ",\"instances\":1,\"drainTimeoutMs\":200,\"health\":"
                + "{\"path\":\"/health\",\"startIntervalMs\":" + PROBE_MS + ",\"intervalMs\":1000}}", 201);
        appsMade.add(app);
        awaitDeploy(call("POST", "/api/apps/" + app + "/deploys", "{\"image\":" + q(image) + "}", 202).get("id")
                .asText());
        java.util.concurrent.BlockingQueue<Object[]> tables = new java.util.concurrent.LinkedBlockingQueue<>();
        HttpResponse<java.util.stream.Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create(base
                + "/api/routes/stream")).header("Authorization", "Bearer " + token).header("Accept",
                "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        java.util.concurrent.Future<?> reader = pool.submit(() -> {
            StringBuilder data = new StringBuilder();
            stream.body().forEach(line -> {
                if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                } else if (line.isEmpty() && data.length() > 0) {
                    long at = System.nanoTime();
                    try {
                        for (JsonNode r : JSON.readTree(data.toString()).path("routes")) {
                            if (r.path("host").asText().equals(app)) {
                                java.util.Set<String> b = new java.util.HashSet<>();
                                r.path("backends").forEach(x -> b.add(x.asText()));
                                tables.add(new Object[] {at, b});
                            }
                        }
                    } catch (IOException e) {
                        System.err.println("unreadable table on the route stream: " + e.getMessage());
                    }
                    data.setLength(0);
                }
            });
            return null;
        });
        java.util.Map<String, List<Double>> perRouter = new java.util.LinkedHashMap<>();
        routers.keySet().forEach(u -> perRouter.put(u, new ArrayList<>()));
        java.util.concurrent.ExecutorService pollers = java.util.concurrent.Executors.newFixedThreadPool(routers.size());
        try {
            for (int i = 0; i < samples + 2; i++) {
                java.util.Set<String> before = new java.util.HashSet<>();
                java.util.Set<String> names = new java.util.HashSet<>();
                for (JsonNode inst : call("GET", "/api/apps/" + app + "/instances", null, 200)) {
                    before.add(inst.path("address").asText());
                    String c = inst.path("containerId").asText("");
                    names.add(c.substring(0, Math.min(12, c.length())));
                }
                tables.clear();
                String up = call("PATCH", "/api/apps/" + app, "{\"instances\":2}", 202).get("id").asText();
                long t0 = -1;
                while (t0 < 0) {
                    Object[] t = tables.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
                    if (t == null) {
                        throw new IllegalStateException("no table with a new instance of " + app + " on the stream");
                    }
                    @SuppressWarnings("unchecked")
                    java.util.Set<String> backends = (java.util.Set<String>) t[1];
                    if (!before.containsAll(backends)) {
                        t0 = (long) t[0];
                    }
                }
                long start = t0;
                java.util.Map<String, java.util.concurrent.Future<Double>> waits = new java.util.LinkedHashMap<>();
                for (String r : routers.keySet()) {
                    waits.put(r, pollers.submit(() -> {
                        java.net.URI u = java.net.URI.create(r);
                        while (true) {
                            String body = body(u.getHost(), u.getPort(), app);
                            if (body.contains("testapp ") && names.stream().noneMatch(body::contains)) {
                                return (System.nanoTime() - start) / 1e6;
                            }
                            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                            if (System.nanoTime() - start > 10_000_000_000L) {
                                throw new IllegalStateException("router " + r + " did not answer from the new "
                                        + "instance of " + app + " within 10 s");
                            }
                        }
                    }));
                }
                for (java.util.Map.Entry<String, java.util.concurrent.Future<Double>> w : waits.entrySet()) {
                    double ms = w.getValue().get();
                    if (i >= 2) {
                        perRouter.get(w.getKey()).add(ms);
                    }
                }
                awaitDeploy(up);
                awaitDeploy(call("PATCH", "/api/apps/" + app, "{\"instances\":1}", 202).get("id").asText());
            }
        } finally {
            pollers.shutdownNow();
            stream.body().close();
            reader.cancel(true);
        }
        for (java.util.Map.Entry<String, List<Double>> e : perRouter.entrySet()) {
            summary("instance change, " + routers.get(e.getKey()) + " (" + e.getKey() + ")", e.getValue());
        }
    }

    /** The body a router answers for GET / with this Host (empty when it answers nothing readable). */
    private static String body(String host, int port, String hostHeader) throws IOException {
        try (java.net.Socket s = new java.net.Socket(host, port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + hostHeader + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            int end = answer.indexOf("\r\n\r\n");
            return answer.startsWith("HTTP/1.1 200") || answer.startsWith("HTTP/1.0 200")
                    ? answer.substring(end + 4) : "";
        }
    }

    private static void summary(String label, List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        System.out.printf("%-60s p50 %.2f ms  p99 %.2f ms  max %.2f ms  (n=%d, target p99 < 100 ms)%n", label,
                sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
                sorted.get(sorted.size() - 1), sorted.size());
    }

    /** The status a router answers for GET / with this Host. */
    private static int status(String host, int port, String hostHeader) throws IOException {
        try (java.net.Socket s = new java.net.Socket(host, port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + hostHeader + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] head = s.getInputStream().readNBytes(12);
            return Integer.parseInt(new String(head, java.nio.charset.StandardCharsets.US_ASCII).substring(9, 12));
        }
    }

    // ==== set-up =====================================================================================================

    private void setUp() throws Exception {
        Path props = Path.of(System.getenv().getOrDefault("DOCKERERA_ENV", "/tmp/dockerera-env"), "env.properties");
        if (!Files.isRegularFile(props)) {
            throw new IllegalStateException("no test environment at " + props + ": run scripts/env.sh up 3 first");
        }
        try (InputStream in = Files.newInputStream(props)) {
            env.load(in);
        }
        image = env.getProperty("image.v1");
        List<Integer> plain = Arrays.stream(env.getProperty("hosts.plain").split(",")).map(String::trim)
                .map(Integer::parseInt).toList();
        if (plain.size() < 3) {
            throw new IllegalStateException("needs three plain hosts (scripts/env.sh up 3), found " + plain);
        }
        // register the environment's hosts unless they are already
        Map<String, String> known = new LinkedHashMap<>();
        for (JsonNode h : call("GET", "/api/hosts", null, 200)) {
            known.put(h.get("url").asText(), h.get("id").asText());
        }
        for (int n : plain) {
            String url = tcp(n);
            String id = known.get(url);
            if (id == null) {
                id = call("POST", "/api/hosts", "{\"url\":" + JSON.writeValueAsString(url) + "}", 201).get("id").asText();
            }
            indexOf.put(id, n);
        }
        for (String id : indexOf.keySet()) {
            await("host " + id + " up", () -> "up".equals(call("GET", "/api/hosts/" + id, null, 200).path("status")
                    .asText()));
        }
        // the image's id, to remove it from the hosts between runs whatever reference pulled it
        int first = plain.get(0);
        docker(first, "pull", "-q", image);
        imageId = docker(first, "image", "inspect", "--format", "{{.Id}}", image).trim();
    }

    private void tearDown() {
        for (String id : new ArrayList<>(stopped)) {
            try {
                hostsScript("start", indexOf.get(id));
            } catch (Exception e) {
                System.err.println("could not restart host " + indexOf.get(id) + ": " + e.getMessage());
            }
        }
        for (String raw : new ArrayList<>(rawContainers)) {
            String[] nn = raw.split(" ", 2);
            try {
                docker(Integer.parseInt(nn[0]), "rm", "-f", nn[1]);
            } catch (Exception e) {
                // never started, or gone already
            }
        }
        for (String app : new ArrayList<>(appsMade)) {
            try {
                removeApp(app);
            } catch (Exception e) {
                System.err.println("could not remove " + app + ": " + e.getMessage());
            }
        }
        pool.shutdownNow();
    }

    // ==== (a) deploy overhead ========================================================================================

    private void deployOverhead(int runs) throws Exception {
        System.out.printf("%n== deploy overhead: POST deploys -> release active (2 instances) vs raw docker pull + run "
                + "-p + first healthy answer on the same 2 hosts, in parallel; image removed before each side ==%n");
        List<Double> ours = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r <= runs; r++) {
            boolean warmUp = r == 0;
            String app = "deploy-" + runId + "-" + r + ".bench";
            createApp(app, 2);
            List<String> targets = placements(app);
            double d;
            double w;
            if (r % 2 == 0) {
                d = timeDeploy(app, targets);
                w = timeRaw(app, targets);
            } else {
                w = timeRaw(app, targets);
                d = timeDeploy(app, targets);
            }
            String line = String.format("dockerera %7.0f ms   raw docker %7.0f ms   ratio %.2f   hosts %s%s", d, w,
                    d / w, targets.stream().map(indexOf::get).toList(), r % 2 == 0 ? "" : "  (raw first)");
            if (warmUp) {
                System.out.println("warm-up  " + line);
            } else {
                System.out.printf("run %2d   %s%n", r, line);
                ours.add(d);
                raw.add(w);
                ratios.add(d / w);
            }
        }
        System.out.println();
        print("raw docker pull+run+healthy, 2 hosts (ms)", raw);
        print("dockerera deploy -> release active (ms)", ours);
        print("ratio per run", ratios);
        System.out.printf("%-45s %.2f   (target <= 1.3)%n", "ratio of medians", median(ours) / median(raw));
    }

    /** Removes the image, deploys it through dockerera, returns ms until the release is active, removes the app. */
    private double timeDeploy(String app, List<String> targets) throws Exception {
        removeImageEverywhere();
        long t0 = System.nanoTime();
        JsonNode accepted = call("POST", "/api/apps/" + app + "/deploys", "{\"image\":" + q(image) + "}", 202);
        String deployId = accepted.has("id") ? accepted.get("id").asText() : accepted.path("deploy").path("id").asText();
        await("release of " + app + " active", () -> {
            for (JsonNode rel : call("GET", "/api/apps/" + app + "/releases", null, 200)) {
                if (rel.path("status").asText().equals("active")) {
                    return true;
                }
            }
            JsonNode d = call("GET", "/api/deploys/" + deployId, null, 200);
            if (d.path("status").asText().equals("failed")) {
                throw new IllegalStateException("deploy " + deployId + " failed: " + d.path("message").asText());
            }
            return false;
        });
        double ms = (System.nanoTime() - t0) / 1e6;
        List<String> used = new ArrayList<>();
        for (JsonNode i : call("GET", "/api/apps/" + app + "/instances", null, 200)) {
            used.add(i.get("hostId").asText());
        }
        if (!new java.util.HashSet<>(used).equals(new java.util.HashSet<>(targets))) {
            System.out.printf("   note: %s went to %s, explain said %s%n", app, used, targets);
        }
        removeApp(app);
        return ms;
    }

    /** Removes the image, then on both hosts at once: pull, run with a published port, probe until 2xx. */
    private double timeRaw(String app, List<String> targets) throws Exception {
        removeImageEverywhere();
        int port = Integer.parseInt(env.getProperty("image.port", "8080"));
        String name = "bench-raw-" + app.replace('.', '-');
        for (String host : targets) {
            rawContainers.add(indexOf.get(host) + " " + name);
        }
        long t0 = System.nanoTime();
        List<CompletableFuture<Long>> sides = new ArrayList<>();
        for (String host : targets) {
            int n = indexOf.get(host);
            sides.add(CompletableFuture.supplyAsync(() -> {
                try {
                    docker(n, "pull", "-q", image);
                    String id = docker(n, "run", "-d", "--name", name, "-p", String.valueOf(port), image).trim();
                    String address = docker(n, "port", id, String.valueOf(port)).lines().findFirst().orElseThrow()
                            .trim();
                    await("raw container on host " + n + " answers", () -> status(address, "/health") / 100 == 2);
                    return System.nanoTime();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        long end = 0;
        for (CompletableFuture<Long> s : sides) {
            end = Math.max(end, s.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
        }
        double ms = (end - t0) / 1e6;
        for (String host : targets) {
            docker(indexOf.get(host), "rm", "-f", name);
            rawContainers.remove(indexOf.get(host) + " " + name);
        }
        return ms;
    }

    private void removeImageEverywhere() throws Exception {
        for (int n : indexOf.values()) {
            try {
                docker(n, "rmi", "-f", imageId);
            } catch (IllegalStateException e) {
                if (!e.getMessage().contains("No such image")) {
                    throw e;
                }
            }
            if (dockerStatus(n, "image", "inspect", imageId) == 0) {
                throw new IllegalStateException("image " + imageId + " is still on host " + n
                        + " (a container uses it?): the next run would not pull");
            }
        }
    }

    // ==== (b) host loss ==============================================================================================

    private void hostLoss(int trials) throws Exception {
        System.out.printf("%n== host loss: kill -9 of a daemon running an instance -> the app has 2 healthy instances "
                + "again (GET instances) ==%n");
        String app = "loss-" + runId + ".bench";
        createApp(app, 2);
        JsonNode first = call("POST", "/api/apps/" + app + "/deploys", "{\"image\":" + q(image) + "}", 202);
        awaitDeploy(first.get("id").asText());
        List<Double> total = new ArrayList<>();
        List<Double> detect = new ArrayList<>();
        List<Double> replace = new ArrayList<>();
        List<Double> orphans = new ArrayList<>();
        for (int t = 1; t <= trials; t++) {
            awaitHealthy(app, 2, null);
            JsonNode victim = call("GET", "/api/apps/" + app + "/instances", null, 200).get(0);
            String host = victim.get("hostId").asText();
            int n = indexOf.get(host);
            long t0 = System.nanoTime();
            stopped.add(host);
            hostsScript("stop", n);
            long[] down = {0};
            awaitHealthy(app, 2, () -> {
                if (down[0] == 0 && "down".equals(call("GET", "/api/hosts/" + host, null, 200).path("status").asText())) {
                    down[0] = System.nanoTime();
                }
            }, host);
            long t1 = System.nanoTime();
            if (down[0] == 0) {
                down[0] = t1;
            }
            hostsScript("start", n);
            stopped.remove(host);
            long t2 = System.nanoTime();
            await("orphans of " + app + " removed from host " + n, () -> docker(n, "ps", "-aq", "--filter",
                    "label=org.dockerera.app=" + app).isBlank()
                    && call("GET", "/api/apps/" + app + "/instances", null, 200).size() == 2);
            long t3 = System.nanoTime();
            total.add((t1 - t0) / 1e6);
            detect.add((down[0] - t0) / 1e6);
            replace.add((t1 - down[0]) / 1e6);
            orphans.add((t3 - t2) / 1e6);
            System.out.printf("trial %d: host %d killed -> reported down %6.0f ms -> 2 healthy again %6.0f ms "
                    + "(replacement %5.0f ms); host back -> orphans removed %5.0f ms%n", t, n, detect.get(t - 1),
                    total.get(t - 1), replace.get(t - 1), orphans.get(t - 1));
        }
        System.out.println();
        print("kill -9 -> host reported down (ms)", detect);
        print("host down -> 2 healthy again (ms)", replace);
        print("kill -9 -> 2 healthy again (ms)", total);
        print("host back -> its orphans removed (ms)", orphans);
        System.out.printf("%-45s median %.0f ms, max %.0f ms%n", "host loss -> replacement healthy", median(total),
                Collections.max(total));
    }

    /** Until the app has {@code wanted} healthy instances (none on {@code notOn}), calling {@code each} per poll. */
    private void awaitHealthy(String app, int wanted, Runnable each, String... notOn) throws Exception {
        List<String> excluded = List.of(notOn);
        await(wanted + " healthy instances of " + app, () -> {
            if (each != null) {
                each.run();
            }
            int healthy = 0;
            for (JsonNode i : call("GET", "/api/apps/" + app + "/instances", null, 200)) {
                String state = i.has("state") ? i.get("state").asText() : i.path("health").asText();
                if (state.equals("healthy") && !excluded.contains(i.get("hostId").asText())) {
                    healthy++;
                }
            }
            return healthy == wanted;
        });
    }

    // ==== the API ====================================================================================================

    private void createApp(String app, int instances) {
        call("POST", "/api/apps", "{\"name\":" + q(app) + ",\"instances\":" + instances + ",\"health\":{\"path\":"
                + "\"/health\",\"startIntervalMs\":" + PROBE_MS + ",\"intervalMs\":1000}}", 201);
        appsMade.add(app);
    }

    /** The hosts a fresh deploy of the app would use (the cluster is empty between runs, so the deploy agrees). */
    private List<String> placements(String app) {
        JsonNode e = call("POST", "/api/apps/" + app + "/deploys?explain=true", "{\"image\":" + q(image) + "}", 200);
        List<String> out = new ArrayList<>();
        e.get("placements").forEach(p -> out.add(p.get("hostId").asText()));
        if (out.size() != 2) {
            throw new IllegalStateException("explain placed " + out.size() + " instances: " + e);
        }
        return out;
    }

    private void removeApp(String app) throws Exception {
        HttpResponse<String> r = send("DELETE", "/api/apps/" + app, null);
        if (r.statusCode() == 404) {
            appsMade.remove(app);
            return;
        }
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("DELETE " + app + ": " + r.statusCode() + " " + r.body());
        }
        await(app + " removed", () -> send("GET", "/api/apps/" + app, null).statusCode() == 404);
        for (int n : indexOf.values()) {
            if (!stopped.contains(idOf(n))) {
                await("containers of " + app + " gone from host " + n, () -> docker(n, "ps", "-aq", "--filter",
                        "label=org.dockerera.app=" + app).isBlank());
            }
        }
        appsMade.remove(app);
    }

    private void awaitDeploy(String id) throws Exception {
        await("deploy " + id, () -> {
            String s = call("GET", "/api/deploys/" + id, null, 200).path("status").asText();
            if (s.equals("failed")) {
                throw new IllegalStateException("deploy " + id + " failed: " + call("GET", "/api/deploys/" + id, null,
                        200));
            }
            return s.equals("succeeded");
        });
    }

    private JsonNode call(String method, String path, String body, int expected) {
        HttpResponse<String> r = send(method, path, body);
        if (r.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + " (expected "
                    + expected + "): " + r.body() + (r.statusCode() == 404 && r.body().contains("no such resource")
                    ? " -- this distribution has no apps API yet" : ""));
        }
        try {
            return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** HTTP status of GET http://ADDRESS/PATH, 0 when nothing answered. */
    private int status(String address, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + address + path))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    // ==== processes ==================================================================================================

    private String tcp(int n) {
        return env.getProperty("hosts.tcp." + n);
    }

    private String idOf(int n) {
        return indexOf.entrySet().stream().filter(e -> e.getValue() == n).map(Map.Entry::getKey).findFirst()
                .orElseThrow();
    }

    /** Runs {@code docker -H HOST ARGS…}; returns its standard output (warnings on stderr only show on failure). */
    private String docker(int n, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", tcp(n)));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("bench-docker", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + (out + Files.readString(err))
                        .trim());
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private int dockerStatus(int n, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", tcp(n)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor();
    }

    private void hostsScript(String command, int n) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", env.getProperty("hosts.script"), command, String.valueOf(n))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("docker-hosts.sh " + command + " " + n + " failed: " + out);
        }
    }

    // ==== helpers ====================================================================================================

    /** Polls {@code condition} every {@link #PROBE_MS} until true; fails after {@link #LIMIT}. */
    private static void await(String what, Check condition) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + LIMIT.toSeconds() + " s waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(PROBE_MS);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    private static String q(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static void print(String what, List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        System.out.printf("%-45s min %8.2f  median %8.2f  max %8.2f   (n=%d)%n", what, s.get(0), median(s),
                s.get(s.size() - 1), s.size());
    }
}
