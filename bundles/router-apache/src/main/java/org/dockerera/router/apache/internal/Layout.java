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
 * tells dockerera (and only clients on this machine) which config generation serves. A host with instances proxies
 * to a {@code balancer://} of its own (round robin, another instance tried when one refuses the connection); a host
 * without answers 503.
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
     */
    record Settings(Path dir, String modulesDir, String listenHost, int port, String user, String group,
                    long connectTimeoutMs, long timeoutMs, long gracefulWaitMs, List<String> localAddresses) {
        Settings {
            localAddresses = List.copyOf(localAddresses);
        }
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
                backends.add(b);
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
        String vhost = "<VirtualHost *:" + s.port() + ">\n";
        StringBuilder c = new StringBuilder(4096 + sites.size() * 512);
        c.append("# Written by dockerera (router-apache) for route table epoch ").append(epoch)
                .append(", config generation ").append(generation).append(".\n")
                .append("# Do not edit: it is rewritten at every route table change.\n")
                .append("ServerRoot ").append(quote(dir)).append('\n')
                .append("DefaultRuntimeDir ").append(quote(dir + "/run")).append('\n')
                .append("PidFile ").append(quote(dir + "/httpd.pid")).append('\n')
                .append("ErrorLog ").append(quote(dir + "/error.log")).append('\n')
                .append("LogLevel warn\n");
        for (String m : MODULES) {
            c.append("LoadModule ").append(m).append("_module ").append(quote(s.modulesDir() + "/mod_" + m + ".so"))
                    .append('\n');
        }
        if (s.user() != null) {
            c.append("User ").append(quote(s.user())).append('\n')
                    .append("Group ").append(quote(s.group() == null ? s.user() : s.group())).append('\n');
        }
        c.append("Listen ").append(listen(s.listenHost(), s.port())).append('\n')
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
            c.append('\n')
                    .append("# ").append(site.wildcard() ? "wildcard " : "").append("host ").append(site.host())
                    .append(": app ").append(app).append(", ").append(site.backends().size()).append(" instance(s)\n")
                    .append(vhost);
            if (site.wildcard()) {
                // httpd matches wildcards only in ServerAlias; a ServerName inside the wildcard changes nothing
                c.append("    ServerName wildcard").append(site.host().substring(1)).append('\n')
                        .append("    ServerAlias ").append(site.host()).append('\n');
            } else {
                c.append("    ServerName ").append(site.host()).append('\n');
            }
            if (site.backends().isEmpty()) {
                plainTextError(c, 503, "503 Service Unavailable: app " + app + " has no instance available right now.");
            } else {
                String balancer = "balancer://site" + k;
                c.append("    AllowEncodedSlashes NoDecode\n")
                        .append("    ProxyPreserveHost On\n")
                        .append("    ErrorDocument 503 \"503 Service Unavailable: no instance of app ").append(app)
                        .append(" answered.\"\n")
                        .append("    <Proxy \"").append(balancer).append("\">\n");
                for (String b : site.backends()) {
                    c.append("        BalancerMember \"http://").append(b).append("\" connectiontimeout=")
                            .append(Math.max(1, s.connectTimeoutMs())).append("ms retry=").append(RETRY_SECONDS)
                            .append('\n');
                }
                c.append("        ProxySet lbmethod=byrequests\n")
                        .append("    </Proxy>\n")
                        .append("    ProxyPass \"/\" \"").append(balancer).append("/\" nocanon\n")
                        .append("    ProxyPassReverse \"/\" \"").append(balancer).append("/\"\n");
            }
            c.append("</VirtualHost>\n");
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
