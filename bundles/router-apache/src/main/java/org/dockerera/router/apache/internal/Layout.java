package org.dockerera.router.apache.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;

/**
 * The httpd.conf that serves one route table (pure: no I/O).
 * <p>
 * One {@code <VirtualHost>} per host name, in the order httpd needs: httpd gives a request to the <em>first</em>
 * virtual host (in config order) whose {@code ServerName} or {@code ServerAlias} matches its {@code Host}, so exact
 * hosts come first, then wildcards ({@code ServerAlias *.shop.com}) with the longest suffix first. In front of them
 * stand the default virtual host, which answers 404 to every host nobody names, and the marker virtual host, which
 * tells dockerera (and only clients on this machine) which config generation serves. Every host proxies to a
 * {@code balancer://site<k>} of its own (round robin, another instance tried when one refuses the connection),
 * rendered with the table's instances as members plus room ({@code growth}) for {@code memberSlots} more; a host
 * whose members are all disabled (or that has none) answers 503.
 * <p>
 * The members change at run time through httpd's {@code balancer-manager} (see {@link Balancers}), which httpd only
 * offers for the balancers of the virtual host serving the request: so every virtual host also answers on a second
 * listener, {@code 127.0.0.1:<managerPort>}, under an alias {@code site<k>.dockerera.invalid}, and enables the
 * manager at {@code managerPath} only for connections made to that port (the connection's own port:
 * {@code UseCanonicalName On} + {@code UseCanonicalPhysicalPort On}, so a {@code Host: x:<managerPort>} header on the
 * data port changes nothing). On the data port that one path is not proxied and answers 404; it is random per start
 * ({@code /.dockerera-<128 random bits>/balancer-manager}), so no app can have meant it.
 * <p>
 * Values from the table are never trusted to be well formed: host names and backend addresses are rendered only
 * when they consist of characters that cannot break out of a quoted token or a URL authority (anything else refuses
 * the whole table); app names appear only in comments and error pages, reduced to a safe alphabet. Whether a safe
 * value is also meaningful (a port out of range, {@code 1.2.3.4:80:90}) is httpd's call: {@code apache2 -t}.
 */
final class Layout {
    /** The marker virtual host's name ({@code .invalid} is reserved: no real host name can take it). */
    static final String MARKER_HOST = "generation.dockerera.invalid";
    /** The default virtual host's name (it answers every host no route names). */
    static final String DEFAULT_HOST = "default.dockerera.invalid";
    /** Response header of the marker virtual host: the config generation serving. */
    static final String GENERATION_HEADER = "X-Dockerera-Generation";
    /** Response header of the marker virtual host: the epoch of the route table the serving config was made for. */
    static final String EPOCH_HEADER = "X-Dockerera-Epoch";
    /** Modules loaded from the modules directory, in load order (proxy before its providers). */
    static final List<String> MODULES = List.of("mpm_event", "authz_core", "alias", "headers", "proxy",
            "proxy_http", "slotmem_shm", "proxy_balancer", "lbmethod_byrequests");
    /** Seconds an instance that refused a connection is skipped (the balancer tries another one meanwhile). */
    static final int RETRY_SECONDS = 5;
    /** httpd's bound on a balancer's {@code growth}. */
    static final int MAX_MEMBER_SLOTS = 100;

    static final String NOT_FOUND = "404 Not Found: no app answers to this host here.";

    private static final Pattern HOST = Pattern.compile("(\\*\\.)?[a-z0-9_-]+(\\.[a-z0-9_-]+)*");
    private static final Pattern BACKEND = Pattern.compile("[A-Za-z0-9._:\\[\\]-]+");
    private static final String RESERVED_SUFFIX = ".dockerera.invalid";

    /**
     * What does not depend on the table.
     *
     * @param dir            the server root: config, pid file, error log, runtime files
     * @param modulesDir     where {@code mod_*.so} are
     * @param listenHost     address to listen on ({@code 0.0.0.0}: every IPv4 address)
     * @param port           port to listen on
     * @param user           user the children run as, null to leave it (only root may switch users)
     * @param group          group the children run as (with {@code user})
     * @param connectTimeoutMs bound on connecting to an instance
     * @param timeoutMs      bound on waiting for an instance's response and on client inactivity
     * @param gracefulWaitMs how long a graceful stop lets requests in flight finish
     * @param localAddresses addresses (besides loopback) that dockerera's own requests to the listener come from:
     *                       the listen address when it is a specific one
     * @param managerPort    the balancer-manager's port on 127.0.0.1
     * @param managerPath    the balancer-manager's path ({@link #managerPath})
     * @param memberSlots    members each balancer can add at run time (httpd's {@code growth}, 1 to 100)
     */
    record Settings(Path dir, String modulesDir, String listenHost, int port, String user, String group,
                    long connectTimeoutMs, long timeoutMs, long gracefulWaitMs, List<String> localAddresses,
                    int managerPort, String managerPath, int memberSlots) {
        Settings {
            localAddresses = List.copyOf(localAddresses);
            if (!MANAGER_PATH.matcher(managerPath).matches()) {
                throw new IllegalArgumentException("manager path '" + managerPath + "' is not /.dockerera-<hex>/"
                        + "balancer-manager");
            }
            if (memberSlots < 1 || memberSlots > MAX_MEMBER_SLOTS) {
                throw new IllegalArgumentException("memberSlots must be 1 to " + MAX_MEMBER_SLOTS + ", not "
                        + memberSlots);
            }
        }
    }

    private static final Pattern MANAGER_PATH = Pattern.compile("/\\.dockerera-[0-9a-f]{8,64}/balancer-manager");

    /** A balancer-manager path with {@code token} (hex) in it. */
    static String managerPath(String token) {
        return "/.dockerera-" + token + "/balancer-manager";
    }

    /** The balancer of the {@code k}-th virtual host (1-based, in {@link #ORDER}). */
    static String balancer(int k) {
        return "site" + k;
    }

    /** The alias under which dockerera's manager requests reach the {@code k}-th virtual host. */
    static String managerHost(int k) {
        return "site" + k + RESERVED_SUFFIX;
    }

    /** The {@code ServerName} of a site's virtual host (what httpd compares a manager request's Referer with). */
    static String serverName(Site site) {
        // httpd matches wildcards only in ServerAlias; a ServerName inside the wildcard changes nothing
        return site.wildcard() ? "wildcard" + site.host().substring(1) : site.host();
    }

    /** Another instance is tried when one refuses the connection, up to this many times. */
    static int failoverAttempts(int capacity) {
        return Math.max(0, Math.min(MAX_FAILOVER_ATTEMPTS, capacity - 1));
    }

    static final int MAX_FAILOVER_ATTEMPTS = 10;

    /** The 503 text of a host whose app has no instance to serve (or none that answers). */
    static String unavailable(String app) {
        return "503 Service Unavailable: app " + label(app) + " has no instance available right now.";
    }

    /**
     * One virtual host: a host name (exact or {@code *.suffix}), its app and the instances' {@code ip:port}s (empty:
     * 503).
     */
    record Site(String host, String app, List<String> backends) {
        Site {
            backends = List.copyOf(backends);
        }

        boolean wildcard() {
            return host.startsWith("*.");
        }
    }

    /** Exact hosts by name, then wildcards by suffix length (longest first), then by name. */
    static final Comparator<Site> ORDER = Comparator.comparing(Site::wildcard)
            .thenComparing(Comparator.comparingInt((Site s) -> s.wildcard() ? -s.host().length() : 0))
            .thenComparing(Site::host);

    private Layout() {
    }

    /**
     * The table's virtual hosts in serving order. Host names are compared in lower case; when two routes name the
     * same host the first one wins; an app's repeated backend is listed once.
     *
     * @throws IllegalArgumentException when a host name or backend address cannot be put into a config safely, or a
     *                                  host name is one of the reserved {@code *.dockerera.invalid}
     */
    static List<Site> sites(RouteTable table) {
        Map<String, Site> byHost = new LinkedHashMap<>();
        for (Route r : table.routes()) {
            String host = r.host().toLowerCase(Locale.ROOT);
            if (host.length() > 253 || !HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("route for app '" + r.app() + "': host name '" + r.host()
                        + "' is not a DNS name (letters, digits, '-', '_', dot-separated, optionally '*.' in front)");
            }
            if (host.endsWith(RESERVED_SUFFIX) || host.equals(RESERVED_SUFFIX.substring(1))) {
                throw new IllegalArgumentException("route for app '" + r.app() + "': host name '" + host
                        + "' is reserved for the router itself");
            }
            LinkedHashSet<String> backends = new LinkedHashSet<>();
            for (String b : r.backends()) {
                if (b.length() > 300 || !BACKEND.matcher(b).matches()) {
                    throw new IllegalArgumentException("route " + host + " (app '" + r.app() + "'): backend '" + b
                            + "' is not an address:port");
                }
                backends.add(b.toLowerCase(Locale.ROOT)); // httpd compares member URLs as it lists them
            }
            byHost.putIfAbsent(host, new Site(host, r.app(), new ArrayList<>(backends)));
        }
        List<Site> sites = new ArrayList<>(byHost.values());
        sites.sort(ORDER);
        return sites;
    }

    /** The whole httpd.conf for {@code sites} ({@link #sites}), marked with {@code generation} and {@code epoch}. */
    static String config(Settings s, List<Site> sites, long generation, long epoch) {
        String dir = s.dir().toString();
        String manager = "127.0.0.1:" + s.managerPort();
        String vhost = "<VirtualHost *:" + s.port() + " " + manager + ">\n";
        StringBuilder c = new StringBuilder(4096 + sites.size() * 1024);
        c.append("# Written by dockerera (router-apache) for route table epoch ").append(epoch)
                .append(", config generation ").append(generation).append(".\n")
                .append("# Do not edit: it is rewritten when host names change; instances change at run time.\n")
                .append("ServerRoot ").append(quote(dir)).append('\n')
                .append("DefaultRuntimeDir ").append(quote(dir + "/run")).append('\n')
                .append("PidFile ").append(quote(dir + "/httpd.pid")).append('\n')
                .append("ErrorLog ").append(quote(dir + "/error.log")).append('\n')
                // a host without instances would log one error per request ("No workers in balancer"); what
                // dockerera does through the manager it checks itself
                .append("LogLevel warn proxy_balancer:crit\n");
        for (String m : MODULES) {
            c.append("LoadModule ").append(m).append("_module ").append(quote(s.modulesDir() + "/mod_" + m + ".so"))
                    .append('\n');
        }
        if (s.user() != null) {
            c.append("User ").append(quote(s.user())).append('\n')
                    .append("Group ").append(quote(s.group() == null ? s.user() : s.group())).append('\n');
        }
        c.append("Listen ").append(listen(s.listenHost(), s.port())).append('\n')
                .append("# dockerera's control channel (balancer-manager), on loopback only\n")
                .append("Listen ").append(manager).append('\n')
                .append("ServerName ").append(DEFAULT_HOST).append('\n')
                .append("ServerTokens Prod\n")
                .append("ServerSignature Off\n")
                .append("TraceEnable Off\n")
                .append("Timeout ").append(seconds(s.timeoutMs())).append('\n')
                .append("ProxyTimeout ").append(seconds(s.timeoutMs())).append('\n')
                .append("KeepAlive On\n")
                .append("KeepAliveTimeout 5\n")
                // bounds a graceful stop only; a graceful reload lets old children finish what they serve (each
                // request bounded by Timeout/ProxyTimeout) and closes their idle keep-alive connections
                .append("GracefulShutdownTimeout ").append(seconds(s.gracefulWaitMs())).append('\n')
                .append("DocumentRoot ").append(quote(dir + "/empty")).append('\n')
                .append("<Directory />\n")
                .append("    AllowOverride None\n")
                .append("    Require all denied\n")
                .append("</Directory>\n")
                // mod_proxy adds X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Server itself
                .append("RequestHeader set X-Forwarded-Proto \"http\"\n")
                .append('\n')
                .append("# Hosts no route names (and requests without a Host): 404. First: httpd's default.\n")
                .append(vhost)
                .append("    ServerName ").append(DEFAULT_HOST).append('\n');
        plainTextError(c, 404, NOT_FOUND);
        c.append("</VirtualHost>\n")
                .append('\n')
                .append("# Which config serves, for dockerera's reload check; the headers only for clients on this machine.\n")
                .append(vhost)
                .append("    ServerName ").append(MARKER_HOST).append('\n')
                .append("    Header always set ").append(GENERATION_HEADER).append(" \"").append(generation)
                .append("\" \"expr=").append(local(s)).append("\"\n")
                .append("    Header always set ").append(EPOCH_HEADER).append(" \"").append(epoch)
                .append("\" \"expr=").append(local(s)).append("\"\n")
                .append("    Redirect 404 /\n")
                .append("</VirtualHost>\n");
        int k = 0;
        for (Site site : sites) {
            k++;
            String app = label(site.app());
            String balancer = "balancer://" + balancer(k);
            c.append('\n')
                    .append("# ").append(site.wildcard() ? "wildcard " : "").append("host ").append(site.host())
                    .append(": app ").append(app).append(", ").append(site.backends().size()).append(" instance(s)\n")
                    .append(vhost)
                    .append("    ServerName ").append(serverName(site)).append('\n');
            if (site.wildcard()) {
                c.append("    ServerAlias ").append(site.host()).append('\n');
            }
            c.append("    ServerAlias ").append(managerHost(k)).append('\n')
                    .append("    AllowEncodedSlashes NoDecode\n")
                    .append("    ProxyPreserveHost On\n")
                    .append("    ErrorDocument 503 \"").append(unavailable(site.app())).append("\"\n")
                    .append("    <Proxy \"").append(balancer).append("\">\n");
            for (String b : site.backends()) {
                c.append("        BalancerMember \"http://").append(b).append("\" connectiontimeout=")
                        .append(Math.max(1, s.connectTimeoutMs())).append("ms retry=").append(RETRY_SECONDS)
                        .append('\n');
            }
            // httpd derives failover attempts from the members at the start (none for an empty balancer): members
            // added at run time need them set
            c.append("        ProxySet lbmethod=byrequests growth=").append(s.memberSlots()).append(" maxattempts=")
                    .append(failoverAttempts(site.backends().size() + s.memberSlots())).append('\n')
                    .append("    </Proxy>\n")
                    .append("    ProxyPass \"").append(s.managerPath()).append("\" \"!\"\n")
                    .append("    ProxyPass \"/\" \"").append(balancer).append("/\" nocanon\n")
                    .append("    ProxyPassReverse \"/\" \"").append(balancer).append("/\"\n")
                    // mapped to "/" (searchable by anyone), not into the server root httpd's user may not enter
                    .append("    Alias \"").append(s.managerPath()).append("\" \"/\"\n")
                    .append("    <Location \"").append(s.managerPath()).append("\">\n")
                    // the port the connection was made to, never the one a Host header names
                    .append("        UseCanonicalName On\n")
                    .append("        UseCanonicalPhysicalPort On\n")
                    .append("        <If \"%{SERVER_PORT} == '").append(s.managerPort()).append("'\">\n")
                    .append("            Require all granted\n")
                    .append("            SetHandler balancer-manager\n")
                    .append("            Header always set ").append(GENERATION_HEADER).append(" \"").append(generation)
                    .append("\"\n")
                    .append("        </If>\n")
                    .append("        <Else>\n")
                    .append("            Redirect 404\n")
                    .append("        </Else>\n")
                    .append("    </Location>\n")
                    .append("</VirtualHost>\n");
        }
        return c.toString();
    }

    /** An ap_expr true for dockerera's own requests: from loopback or one of the settings' local addresses. */
    private static String local(Settings s) {
        StringBuilder e = new StringBuilder("-R '127.0.0.0/8' || -R '::1'");
        for (String a : s.localAddresses()) {
            if (!BACKEND.matcher(a).matches()) {
                throw new IllegalArgumentException("local address '" + a + "' is not an IP address");
            }
            e.append(" || -R '").append(a).append('\'');
        }
        return e.toString();
    }

    /** Answers {@code status} with {@code text} (plain text) to every request of the virtual host. */
    private static void plainTextError(StringBuilder c, int status, String text) {
        c.append("    Header always set Content-Type \"text/plain; charset=utf-8\"\n")
                .append("    ErrorDocument ").append(status).append(" \"").append(text).append("\"\n")
                .append("    Redirect ").append(status).append(" /\n");
    }

    /** httpd's {@code Listen} argument: {@code host:port}, IPv6 literals in brackets. */
    static String listen(String host, int port) {
        String h = host == null || host.isBlank() || host.equals("*") ? "0.0.0.0" : host.trim();
        if (!BACKEND.matcher(h).matches()) {
            throw new IllegalArgumentException("listen address '" + host + "' is not an IP address or host name");
        }
        return (h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h) + ":" + port;
    }

    /** Milliseconds as whole seconds, rounded up, at least 1. */
    static long seconds(long ms) {
        return Math.max(1, (ms + 999) / 1000);
    }

    /**
     * An app name as it may appear in comments and error pages: letters, digits, '.', '-' and '_' (anything else
     * becomes '_'), so that it can neither end a quoted string, start an expression nor a new line.
     */
    static String label(String app) {
        String l = app == null ? "" : app.replaceAll("[^A-Za-z0-9._-]", "_");
        return l.isEmpty() ? "_" : l;
    }

    /**
     * A path or name as one quoted httpd token. httpd's quoting has no general escape (a backslash escapes only the
     * quote) and expands {@code ${NAME}} everywhere, so values that would need more are refused.
     *
     * @throws IllegalArgumentException for values with quotes, backslashes, control characters or {@code $}
     */
    static String quote(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"' || ch == '\\' || ch == '$' || ch < 0x20 || ch == 0x7f) {
                throw new IllegalArgumentException("'" + value + "' cannot be written into an httpd config: it must "
                        + "not contain quotes, backslashes, '$' or control characters");
            }
        }
        return "\"" + value + "\"";
    }
}
