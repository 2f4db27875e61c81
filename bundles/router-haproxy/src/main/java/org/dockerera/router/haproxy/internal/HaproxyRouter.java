package org.dockerera.router.haproxy.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.dockerera.spi.router.RouteTable;
import org.dockerera.spi.router.RouterBackend;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAProxy (Debian's 2.6) as a router backend ({@code dockerera.router=haproxy}): a master-worker child process this
 * component owns, changed through its runtime API; a table change that does not fit the pre-rendered slots (or
 * changes wildcards) rewrites the config and reloads seamlessly (SIGUSR2 to the master; listeners are handed over).
 * {@link #apply} returns once HAProxy's runtime state matches the table.
 */
@Component(service = RouterBackend.class, property = RouterBackend.PROPERTY + "=haproxy",
        configurationPid = HaproxyRouter.Config.PID)
@Designate(ocd = HaproxyRouter.Config.class)
public class HaproxyRouter implements RouterBackend {
    private static final Logger LOG = LoggerFactory.getLogger(HaproxyRouter.class);

    /** {@code etc/org.dockerera.router.haproxy.cfg}. */
    @ObjectClassDefinition(name = "dockerera HAProxy router", description = "HAProxy as a dockerera router")
    public @interface Config {
        String PID = "org.dockerera.router.haproxy";

        @AttributeDefinition(description = "The haproxy binary")
        String binary() default "/usr/sbin/haproxy";

        @AttributeDefinition(description = "Address to listen on")
        String listenHost() default "0.0.0.0";

        @AttributeDefinition(description = "Port to listen on")
        int port() default 8082;

        @AttributeDefinition(description = "URL where traffic reaches it; empty: http://<listenHost>:<port>")
        String advertisedUrl() default "";

        @AttributeDefinition(description = "Working directory (config, maps, socket); empty: ${karaf.data}/dockerera/haproxy")
        String workDir() default "";

        @AttributeDefinition(description = "Backend slots rendered ahead (apps); more apps reload with twice as many")
        int appSlots() default 32;

        @AttributeDefinition(description = "Server slots per app; more instances reload with twice as many")
        int serverSlots() default 8;

        @AttributeDefinition(description = "Bound on connecting to an instance, ms")
        long connectTimeoutMs() default 2000;

        @AttributeDefinition(description = "Client and server inactivity timeout, ms")
        long timeoutMs() default 60000;

        @AttributeDefinition(description = "HAProxy threads (nbthread); 0: HAProxy's default, one per CPU")
        int threads() default 0;
    }

    private Config config;
    private Path dir;
    private Runtime runtime;
    private Process master;
    private String url;
    private volatile long served;
    private Layout.Pool pool;
    private Map<String, List<String>> servers = new HashMap<>();
    private Map<String, String> exact = new TreeMap<>();
    private Map<String, String> wild = new TreeMap<>();
    private int reloads;

    @Activate
    void activate(BundleContext context, Config c) throws IOException, InterruptedException {
        String data = context == null ? "data" : context.getProperty("karaf.data");
        start(c, c.workDir().isBlank() ? Path.of(data == null ? "data" : data, "dockerera", "haproxy")
                : Path.of(c.workDir()));
    }

    /** Starts HAProxy in {@code workDir} with an empty table (tests call it without OSGi). */
    synchronized void start(Config c, Path workDir) throws IOException, InterruptedException {
        this.config = c;
        this.dir = workDir.toAbsolutePath();
        Files.createDirectories(dir);
        this.runtime = new Runtime(dir.resolve("admin.sock"));
        this.url = c.advertisedUrl().isBlank() ? "http://" + (c.listenHost().equals("0.0.0.0") ? "127.0.0.1"
                : c.listenHost()) + ":" + c.port() : c.advertisedUrl();
        this.pool = new Layout.Pool(c.appSlots(), c.serverSlots(), Map.of());
        Layout.Plan plan = Layout.plan(RouteTable.EMPTY, pool, Map.of(), Map.of(), Map.of());
        write(plan);
        stopLeftover();
        Files.deleteIfExists(dir.resolve("admin.sock"));
        master = new ProcessBuilder(c.binary(), "-W", "-db", "-f", dir.resolve("haproxy.cfg").toString(),
                "-p", dir.resolve("haproxy.pid").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        awaitSocket(null);
        remember(plan);
        LOG.info("HAProxy router listening on {}:{} (advertised {})", c.listenHost(), c.port(), url);
    }

    /**
     * Stops the HAProxy a previous run left behind (Karaf was killed: HAProxy kept serving the last table, which is
     * what a router should do, but it holds the port): the process named in the pid file, if it runs this config.
     */
    private void stopLeftover() throws IOException, InterruptedException {
        Path pidFile = dir.resolve("haproxy.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        String cfg = dir.resolve("haproxy.cfg").toString();
        for (String line : Files.readAllLines(pidFile)) {
            long pid;
            try {
                pid = Long.parseLong(line.trim());
            } catch (NumberFormatException e) {
                continue;
            }
            java.util.Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isPresent() && h.get().info().commandLine().map(l -> l.contains(cfg)).orElse(false)) {
                LOG.info("stopping the HAProxy (pid {}) an earlier run left serving its last table", pid);
                h.get().destroy();
                try {
                    h.get().onExit().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    h.get().destroyForcibly();
                    try {
                        h.get().onExit().get(5, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException gone) {
                        throw new IOException("the HAProxy left by an earlier run (pid " + pid + ") does not stop; "
                                + "kill it and restart the router", gone);
                    }
                }
            }
        }
        Files.deleteIfExists(pidFile);
    }

    /** The pid of the HAProxy master, -1 before start. */
    long masterPid() {
        return master == null ? -1 : master.pid();
    }

    @Deactivate
    synchronized void stop() {
        if (master != null) {
            master.destroy();
            try {
                if (!master.waitFor(10, TimeUnit.SECONDS)) {
                    master.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String type() {
        return "haproxy";
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public synchronized void apply(RouteTable table) {
        if (table.epoch() < served) {
            return;
        }
        Layout.Plan plan = Layout.plan(table, pool, servers, exact, wild);
        try {
            if (plan.reload()) {
                reload(plan);
            } else {
                for (String cmd : plan.commands()) {
                    String answer = runtime.send(cmd.replace("#EXACT", dir.resolve("exact.map").toString())).trim();
                    if (refused(answer)) {
                        throw new IllegalStateException("HAProxy refused '" + cmd + "': " + answer);
                    }
                }
                writeMaps(plan); // so that a later reload starts from the same maps
                verify(plan);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot apply epoch " + table.epoch() + " to HAProxy: " + e.getMessage(), e);
        }
        remember(plan);
        served = table.epoch();
    }

    /** The runtime API answers nothing, "Done.", or what it changed on success; errors name what is wrong. */
    static boolean refused(String answer) {
        String a = answer.toLowerCase(java.util.Locale.ROOT);
        return a.contains("no such") || a.contains("unknown") || a.contains("require") || a.contains("invalid")
                || a.contains("not found") || a.contains("failed") || a.contains("can't") || a.contains("cannot")
                || a.contains("error");
    }

    private void remember(Layout.Plan plan) {
        pool = plan.pool();
        servers = new HashMap<>(plan.serversBySlot());
        exact = new TreeMap<>(plan.exact());
        wild = new TreeMap<>(plan.wild());
    }

    private void write(Layout.Plan plan) throws IOException {
        writeMaps(plan);
        Files.writeString(dir.resolve("haproxy.cfg"), Layout.config(plan, config.listenHost(), config.port(),
                dir.toString(), config.connectTimeoutMs(), config.timeoutMs(), config.threads()),
                StandardCharsets.UTF_8);
    }

    private void writeMaps(Layout.Plan plan) throws IOException {
        Files.writeString(dir.resolve("503.http"), Layout.unavailablePage(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("exact.map"), Layout.mapFile(plan.exact(), false), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("wild.map"), Layout.mapFile(plan.wild(), true), StandardCharsets.UTF_8);
    }

    /** Rewrites the config and reloads seamlessly: the new worker takes the listeners over; old ones finish. */
    private void reload(Layout.Plan plan) throws IOException {
        write(plan);
        String before = workerPid();
        reloads++;
        new ProcessBuilder("kill", "-USR2", String.valueOf(master.pid())).start();
        awaitSocket(before);
        verify(plan);
        LOG.info("HAProxy reloaded (#{}) with {} app slots x {} servers", reloads, plan.pool().appSlots(),
                plan.pool().serverSlots());
    }

    private String workerPid() {
        try {
            for (String l : runtime.send("show info").split("\n")) {
                if (l.startsWith("Pid:")) {
                    return l.substring(4).trim();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** Waits until the admin socket answers (from a worker other than {@code oldPid}, after a reload). */
    private void awaitSocket(String oldPid) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            String pid = workerPid();
            if (pid != null && !pid.equals(oldPid)) {
                return;
            }
            if (!master.isAlive()) {
                throw new IOException("haproxy exited: " + Files.readString(dir.resolve("haproxy.log")));
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        throw new IOException("haproxy's admin socket did not answer within 15 s");
    }

    /** Reads back every app slot's servers (address, port, maintenance) and the map, and compares. */
    private void verify(Layout.Plan plan) throws IOException {
        for (Map.Entry<String, List<String>> e : plan.serversBySlot().entrySet()) {
            Map<String, String> live = new HashMap<>();
            for (String l : runtime.send("show servers state " + e.getKey()).split("\n")) {
                String[] f = l.trim().split("\\s+");
                // be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state ... srv_port at index 18
                if (f.length > 18 && f[1].equals(e.getKey())) {
                    boolean maint = (Integer.parseInt(f[6]) & 0x01) != 0 || (Integer.parseInt(f[6]) & 0x02) != 0;
                    live.put(f[3], maint ? null : f[4] + ":" + f[18]);
                }
            }
            List<String> want = e.getValue();
            for (int i = 0; i < want.size(); i++) {
                String have = live.get("s" + (i + 1));
                if (want.get(i) != null && !want.get(i).equals(have)) {
                    throw new IllegalStateException("HAProxy " + e.getKey() + "/s" + (i + 1) + " is " + have
                            + ", not " + want.get(i));
                }
            }
        }
        String map = runtime.send("show map " + dir.resolve("exact.map"));
        for (Map.Entry<String, String> e : plan.exact().entrySet()) {
            if (!map.contains(" " + e.getKey() + " " + e.getValue())) {
                throw new IllegalStateException("HAProxy's host map lacks " + e.getKey() + " -> " + e.getValue());
            }
        }
    }

    @Override
    public long servedEpoch() {
        return served;
    }

    int reloads() {
        return reloads;
    }

    @Override
    public Health health() {
        if (master == null || !master.isAlive()) {
            return new Health(false, "haproxy is not running");
        }
        String pid = workerPid();
        return pid == null ? new Health(false, "haproxy's admin socket does not answer")
                : new Health(true, "worker " + pid + ", epoch " + served + ", " + reloads + " reload(s)");
    }

    @Override
    public synchronized Map<String, AppStats> stats() {
        Map<String, String> appOf = new HashMap<>();
        pool.slots().forEach((app, k) -> appOf.put(Layout.backend(k), app));
        Map<String, AppStats> out = new TreeMap<>();
        try {
            String[] lines = runtime.send("show stat").split("\n");
            if (lines.length == 0 || !lines[0].startsWith("# ")) {
                return out;
            }
            List<String> cols = List.of(lines[0].substring(2).split(","));
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split(",", -1);
                if (f.length < cols.size() || !"BACKEND".equals(f[cols.indexOf("svname")])) {
                    continue;
                }
                String app = appOf.get(f[cols.indexOf("pxname")]);
                if (app == null) {
                    continue;
                }
                Map<String, Long> statuses = new LinkedHashMap<>();
                for (int s = 1; s <= 5; s++) {
                    long n = num(f[cols.indexOf("hrsp_" + s + "xx")]);
                    if (n > 0) {
                        statuses.put(s + "xx", n);
                    }
                }
                out.put(app, new AppStats(num(f[cols.indexOf("stot")]), statuses, num(f[cols.indexOf("wretr")])
                        + num(f[cols.indexOf("wredis")]), Map.of()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read HAProxy stats: {}", e.toString());
        }
        return out;
    }

    private static long num(String s) {
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }

    /** Unused field kept for the list of what {@link #apply} wrote last (tests read it). */
    List<String> lastServers(String backend) {
        return new ArrayList<>(servers.getOrDefault(backend, List.of()));
    }
}
