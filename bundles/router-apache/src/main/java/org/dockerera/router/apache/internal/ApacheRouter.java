package org.dockerera.router.apache.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Apache httpd 2.4 (Debian's apache2 package) as a router backend ({@code dockerera.router=apache}): an httpd of its
 * own, a child process of this component with its own server root under {@code dir} (the system's
 * {@code /etc/apache2} and apache2 service are never touched), event MPM, one virtual host per host name proxying to
 * a {@code balancer://} of the app's instances with room for {@code memberSlots} more (see {@link Layout}).
 * <p>
 * {@link #apply} brings httpd to a table the cheapest way that keeps every connection open (see {@link Balancers}):
 * <ul>
 * <li>When only instances change (deploys, scaling, rollbacks, health), at run time through httpd's
 * {@code balancer-manager} on its loopback-only manager port: new instances are added and enabled, then those that
 * left the table are disabled (requests in flight on them finish; no new request goes to them); then the manager's
 * page is read again and the epoch is {@link #servedEpoch() served} (and acknowledged by the agent) only if every
 * balancer it touched lists exactly the table's instances as enabled. Client connections, keep-alive ones included,
 * are untouched, and the very next request on any of them gets the new instances. A manager request that fails (or
 * a page that does not match) falls back to the reload below.</li>
 * <li>When host names change (or a host's app), or a balancer has no free member slot for a new instance address, it
 * renders the whole config afresh (each balancer with just the table's instances), has {@code apache2 -t} check it
 * (a config httpd refuses is not installed: apply throws and the previous table keeps serving), moves it into place
 * and reloads gracefully (SIGUSR1 to the parent), then polls, over new connections, the marker virtual host until it
 * reports the new config generation, and waits until no child of the previous generation holds a listening socket
 * (an old child may still accept a connection in the instant after the new ones began to serve; it closes its
 * listeners once it has seen the signal). Only then is the epoch served: every connection accepted from then on
 * gets the new table.</li>
 * </ul>
 * A table whose balancers already hold its instances (only the epoch changed) needs neither.
 * <p>
 * What a graceful reload does to connections already open (tried on 2.4 with the event MPM): requests in flight
 * finish on the old config, each bounded by {@code timeoutMs} (httpd's {@code Timeout}/{@code ProxyTimeout};
 * {@code GracefulShutdownTimeout} bounds only a graceful <em>stop</em>), so an instance taken out of the table by a
 * reload can still receive requests that started before the ack: <b>the drain wait before stopping an instance must
 * cover the longest request in flight</b> (set the app's drainTimeoutMs accordingly when requests are long). Idle
 * keep-alive connections of old children are closed at the reload, and now and then an old child closes a
 * connection it accepted just as the reload began, without answering it: a request crossing such a close gets no
 * answer and never reached an instance, so HTTP clients retry it on a new connection when it is idempotent
 * (browsers, curl, the JDK's client); a POST at that moment can fail. That is why reloads are kept to host-name
 * changes and to a balancer running out of member slots (every {@code memberSlots} new instance addresses of a
 * host). New connections wait in the listen queue while children are replaced (up to about a second).
 */
@Component(service = RouterBackend.class, property = RouterBackend.PROPERTY + "=apache",
        configurationPid = ApacheRouter.Config.PID)
@Designate(ocd = ApacheRouter.Config.class)
public class ApacheRouter implements RouterBackend {
    private static final Logger LOG = LoggerFactory.getLogger(ApacheRouter.class);

    /** {@code etc/org.dockerera.router.apache.cfg}. */
    @ObjectClassDefinition(name = "dockerera Apache httpd router", description = "Apache httpd as a dockerera router")
    public @interface Config {
        String PID = "org.dockerera.router.apache";

        @AttributeDefinition(description = "The apache2 (httpd) binary")
        String binary() default "/usr/sbin/apache2";

        @AttributeDefinition(description = "Directory of httpd's modules (mod_proxy.so …)")
        String modulesDir() default "/usr/lib/apache2/modules";

        @AttributeDefinition(description = "Address to listen on (0.0.0.0: every IPv4 address)")
        String listenHost() default "0.0.0.0";

        @AttributeDefinition(description = "Port to listen on")
        int port() default 8083;

        @AttributeDefinition(description = "Host name or address in the URL this router registers with when it listens "
                + "on every address; empty: 127.0.0.1")
        String publicHost() default "";

        @AttributeDefinition(description = "Server root (config, pid file, error log); empty: "
                + "${karaf.data}/dockerera/apache")
        String dir() default "";

        @AttributeDefinition(description = "When Karaf runs as root: the user httpd's children run as")
        String user() default "www-data";

        @AttributeDefinition(description = "When Karaf runs as root: the group httpd's children run as")
        String group() default "www-data";

        @AttributeDefinition(description = "Bound on connecting to an instance, ms")
        long connectTimeoutMs() default 2000;

        @AttributeDefinition(description = "Bound on an instance's response and on client inactivity, ms (also how long "
                + "a request in flight at a reload may still use the old table)")
        long timeoutMs() default 60000;

        @AttributeDefinition(description = "Stopping: how long requests in flight may finish, ms "
                + "(httpd's GracefulShutdownTimeout)")
        long gracefulWaitMs() default 10000;

        @AttributeDefinition(description = "Bound on a reload taking effect (or httpd starting), ms")
        long reloadTimeoutMs() default 15000;

        @AttributeDefinition(description = "Port of httpd's balancer-manager on 127.0.0.1 (dockerera's control "
                + "channel, never on the data port); 0: a free port picked at each start")
        int managerPort() default 0;

        @AttributeDefinition(description = "Instance addresses each host's balancer can take at run time beyond "
                + "those it was rendered with (1 to 100, httpd's growth; about 1.5 KB of shared memory each); when "
                + "one runs out, the config is re-rendered and gracefully reloaded")
        int memberSlots() default 64;
    }

    private Config config;
    private Layout.Settings settings;
    private Httpd httpd;
    private String url;
    private volatile long served;
    private volatile long generation;
    private Manager manager;
    private Map<String, Balancers.Balancer> balancers = Map.of();
    private final Map<String, String> nonces = new HashMap<>();
    private volatile int reloads;
    private volatile int changes;

    @Activate
    void activate(BundleContext context, Config c) throws IOException {
        String data = context == null ? null : context.getProperty("karaf.data");
        start(c, c.dir().isBlank() ? Path.of(data == null ? "data" : data, "dockerera", "apache") : Path.of(c.dir()));
    }

    /** Starts httpd in {@code dir} with the empty table (tests call it without OSGi). */
    synchronized void start(Config c, Path dir) throws IOException {
        Httpd.checkInstalled(c.binary(), c.modulesDir());
        this.config = c;
        Path root = dir.toAbsolutePath().normalize();
        Files.createDirectories(root.resolve("run"));
        Files.createDirectories(root.resolve("empty"));
        String user = runsAsRoot() ? c.user() : null;
        int managerPort = c.managerPort() > 0 ? c.managerPort() : freeLoopbackPort();
        byte[] token = new byte[16];
        new SecureRandom().nextBytes(token);
        String managerPath = Layout.managerPath(HexFormat.of().formatHex(token));
        this.settings = new Layout.Settings(root, c.modulesDir(), c.listenHost(), c.port(), user,
                user == null ? null : c.group(), c.connectTimeoutMs(), c.timeoutMs(), c.gracefulWaitMs(),
                probeSources(Httpd.probeHost(c.listenHost())), managerPort, managerPath,
                Math.max(1, Math.min(Layout.MAX_MEMBER_SLOTS, c.memberSlots())));
        Layout.quote(root.toString()); // a server root httpd cannot be told about fails here, named
        this.httpd = new Httpd(c.binary(), root, c.listenHost(), c.port(), managerPort);
        this.manager = new Manager(managerPort, managerPath, (int) Math.min(Integer.MAX_VALUE,
                Math.max(1000, c.reloadTimeoutMs())));
        String host = c.listenHost().isBlank() || c.listenHost().equals("0.0.0.0") || c.listenHost().equals("::")
                || c.listenHost().equals("*") ? (c.publicHost().isBlank() ? "127.0.0.1" : c.publicHost().trim())
                : c.listenHost().trim();
        this.url = "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":"
                + c.port();
        generation = 1;
        install(Layout.config(settings, List.of(), generation, 0), 0);
        rendered(List.of());
        launch();
        LOG.info("Apache httpd router listening on {} (registered as {}), balancer-manager on 127.0.0.1:{}, server "
                + "root {}", Layout.listen(c.listenHost(), c.port()), url, managerPort, root);
    }

    /** A port free on 127.0.0.1 now (httpd binds it a moment later; a clash fails the start, named). */
    private static int freeLoopbackPort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** What a config freshly rendered for {@code sites} holds; the nonces of older generations are void. */
    private void rendered(List<Layout.Site> sites) {
        balancers = Balancers.rendered(sites, settings.memberSlots());
        nonces.clear();
    }

    /** Starts the parent on the installed config and waits until it serves the current generation. */
    private void launch() throws IOException {
        int strays = httpd.stopStrays(); // an earlier run's httpd, or the children of a parent that died
        if (strays > 0) {
            LOG.info("stopped {} httpd process(es) left serving on {} (they hold the port)", strays,
                    httpd.conf());
        }
        httpd.start();
        try {
            httpd.awaitGeneration(generation, Duration.ofMillis(config.reloadTimeoutMs()));
        } catch (IOException e) {
            httpd.stop(Duration.ZERO);
            throw new IOException("Apache httpd did not start on " + Layout.listen(config.listenHost(), config.port())
                    + ": " + e.getMessage(), e);
        }
    }

    /** Stops httpd: requests in flight get {@code gracefulWaitMs} to finish; no process of it is left. */
    @Deactivate
    synchronized void stop() {
        if (httpd != null) {
            httpd.stop(Duration.ofMillis(config.gracefulWaitMs()));
        }
    }

    @Override
    public String type() {
        return "apache";
    }

    @Override
    public String url() {
        return url;
    }

    /**
     * Serves {@code table} once httpd serves it (see the class comment); an older epoch than the one served is
     * ignored.
     *
     * @throws IllegalArgumentException when a host name or address of the table cannot be written into a config
     * @throws IllegalStateException    when httpd refuses the config or does not take it within
     *                                  {@code reloadTimeoutMs}; the previous table keeps serving
     */
    @Override
    public synchronized void apply(RouteTable table) {
        if (table.epoch() < served) {
            return;
        }
        List<Layout.Site> next = Layout.sites(table);
        try {
            if (!httpd.alive()) {
                LOG.warn("Apache httpd is not running ({}); starting it with epoch {}", httpd.logTail(),
                        table.epoch());
                generation++;
                install(Layout.config(settings, next, generation, table.epoch()), table.epoch());
                rendered(next);
                launch();
            } else {
                Balancers.Plan plan = Balancers.plan(balancers, next);
                if (plan.reloads()) {
                    reload(next, table.epoch(), plan.reload());
                } else if (!plan.actions().isEmpty()) {
                    try {
                        applyAtRunTime(plan);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("Apache httpd: the balancer-manager did not take epoch {} ({}); reloading instead",
                                table.epoch(), e.getMessage());
                        reload(next, table.epoch(), "the balancer-manager failed");
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Apache httpd did not take route table epoch " + table.epoch()
                    + " (the epoch acknowledged stays " + served + "): " + e.getMessage(), e);
        }
        served = table.epoch();
        LOG.debug("Apache httpd serves epoch {} ({} virtual hosts, generation {})", served, next.size(), generation);
    }

    /** Renders {@code next}, has httpd check it, reloads gracefully and waits until only the new config serves. */
    private void reload(List<Layout.Site> next, long epoch, String why) throws IOException {
        long gen = generation + 1;
        install(Layout.config(settings, next, gen, epoch), epoch);
        generation = gen;
        rendered(next);
        Set<Long> old = httpd.children();
        Duration bound = Duration.ofMillis(config.reloadTimeoutMs());
        httpd.gracefulReload();
        httpd.awaitGeneration(gen, bound);
        httpd.awaitOldChildrenClosedListener(old, bound);
        reloads++;
        LOG.info("Apache httpd reloaded for epoch {} (generation {}): {}", epoch, gen, why);
    }

    /**
     * Sends the plan's manager requests in order, then reads the page of every balancer it touched again: the plan's
     * balancers become the current ones only if httpd lists exactly them.
     */
    private void applyAtRunTime(Balancers.Plan plan) throws IOException {
        balancers = Map.of(); // unknown until verified: a failure below reloads
        for (Balancers.Action a : plan.actions()) {
            manager.send(a, nonce(a.balancer()), generation);
        }
        for (Balancers.Balancer b : plan.touched().values()) {
            String wrong = Balancers.mismatch(b, manager.page(b, generation).get(b.name()));
            if (wrong != null) {
                throw new IllegalStateException(wrong);
            }
        }
        balancers = plan.next();
        changes++;
    }

    /** The balancer's nonce in the serving generation (read from the manager's page once per generation). */
    private String nonce(Balancers.Balancer b) throws IOException {
        String n = nonces.get(b.name());
        if (n == null) {
            Balancers.Listed listed = manager.page(b, generation).get(b.name());
            if (listed == null) {
                throw new IOException("balancer " + b.name() + " (" + b.site().host() + ") is not on its manager page");
            }
            n = listed.nonce();
            nonces.put(b.name(), n);
        }
        return n;
    }

    /**
     * Writes {@code text} next to the config, has httpd check it and moves it into place. A config httpd refuses is
     * kept as httpd.conf.rejected and never installed.
     */
    private void install(String text, long epoch) throws IOException {
        Path next = httpd.conf().resolveSibling("httpd.conf.next");
        Files.writeString(next, text, StandardCharsets.UTF_8);
        String refused = httpd.configtest(next);
        if (refused != null) {
            Files.move(next, httpd.conf().resolveSibling("httpd.conf.rejected"), StandardCopyOption.REPLACE_EXISTING);
            throw new IllegalStateException("Apache httpd refuses the config for route table epoch " + epoch
                    + " (still serving epoch " + served + "; the config is kept in "
                    + httpd.conf().resolveSibling("httpd.conf.rejected") + "): " + refused);
        }
        Files.move(next, httpd.conf(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public long servedEpoch() {
        return served;
    }

    /** Graceful reloads done since the start. */
    int reloads() {
        return reloads;
    }

    /** The balancer-manager's port on 127.0.0.1. */
    int managerPort() {
        return settings.managerPort();
    }

    /** The balancer-manager's path (random per start). */
    String managerPath() {
        return settings.managerPath();
    }

    /** Tables applied at run time through the balancer-manager since the start. */
    int runtimeChanges() {
        return changes;
    }

    /** The config generation installed last (the marker httpd reports once it serves it). */
    long generation() {
        return generation;
    }

    /** The pid of the httpd parent, -1 before the start. */
    long pid() {
        return httpd == null ? -1 : httpd.pid();
    }

    @Override
    public Health health() {
        Httpd h = httpd;
        if (h == null || !h.alive()) {
            return new Health(false, "Apache httpd is not running" + (h == null ? "" : ": " + h.logTail()));
        }
        long serving = h.servingGeneration(Duration.ofSeconds(2));
        if (serving < 0) {
            return new Health(false, "Apache httpd (pid " + h.pid() + ") does not answer on "
                    + Layout.listen(config.listenHost(), config.port()));
        }
        return new Health(true, "httpd pid " + h.pid() + ", config generation " + serving + ", epoch " + served
                + ", " + reloads + " reload(s), " + changes + " change(s) at run time");
    }

    /**
     * Always empty: httpd keeps no counters per virtual host (mod_status counts per server and worker, not per
     * host), and counting from an access log would add a write per request to the data plane plus a log that grows
     * without bound (or a pipe that stalls httpd when the JVM reads too slowly). No numbers rather than made-up ones.
     */
    @Override
    public Map<String, AppStats> stats() {
        return Map.of();
    }

    /**
     * The addresses a connection from this machine to {@code probeHost} comes from, besides loopback: the address
     * itself when it is not a loopback one (a local connection to one of the machine's addresses comes from it).
     */
    static List<String> probeSources(String probeHost) throws IOException {
        List<String> out = new ArrayList<>();
        for (InetAddress a : InetAddress.getAllByName(probeHost)) {
            if (!a.isLoopbackAddress()) {
                out.add(a.getHostAddress().replaceAll("%.*$", ""));
            }
        }
        return out;
    }

    /** Whether this JVM runs as root (then httpd's children switch to {@code user}; only root may). */
    static boolean runsAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
