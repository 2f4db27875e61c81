package org.dockerera.router.haproxy.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;

/**
 * What HAProxy should hold for one route table, and how to get there from what it holds (pure: no I/O).
 * <p>
 * Every app owns one backend slot {@code app<k>} with {@code serverSlots} server slots {@code s1…sN}; exact host
 * names map to slots in {@code exact.map} (changed at run time with {@code add/set/del map}), wildcards in
 * {@code wild.map} (suffix match, longest first, so any change to them reloads). Servers are changed with
 * {@code set server … addr} and {@code state ready|maint}: new ones become ready before old ones go to maintenance
 * (which lets their requests in flight finish), so an app never has zero servers in between.
 */
final class Layout {
    /** The assignment of apps to backend slots, and the pool sizes. */
    record Pool(int appSlots, int serverSlots, Map<String, Integer> slots) {
        Pool {
            slots = Map.copyOf(slots);
        }
    }

    /** The result: the pool to use, whether the config must be (re)written and reloaded, the runtime commands. */
    record Plan(Pool pool, boolean reload, List<String> commands, Map<String, List<String>> serversBySlot,
                Map<String, String> exact, Map<String, String> wild) {
    }

    private Layout() {
    }

    static String backend(int slot) {
        return "app" + slot;
    }

    /**
     * Plans the change from {@code current} (what HAProxy holds: apps' server lists by slot, exact and wildcard maps)
     * to {@code table}.
     */
    static Plan plan(RouteTable table, Pool pool, Map<String, List<String>> currentServers,
                     Map<String, String> currentExact, Map<String, String> currentWild) {
        // apps and their backends
        Map<String, List<String>> backends = new TreeMap<>();
        Map<String, String> exactHosts = new TreeMap<>();
        Map<String, String> wildHosts = new TreeMap<>();
        for (Route r : table.routes()) {
            backends.putIfAbsent(r.app(), r.backends());
            String host = r.host().toLowerCase(Locale.ROOT);
            if (host.startsWith("*.")) {
                wildHosts.put(host.substring(1), r.app());
            } else {
                exactHosts.put(host, r.app());
            }
        }
        // slots: keep each app's, give new apps free ones; grow the pool (reload) when full
        Map<String, Integer> slots = new LinkedHashMap<>();
        pool.slots().forEach((app, k) -> {
            if (backends.containsKey(app)) {
                slots.put(app, k);
            }
        });
        int appSlots = pool.appSlots();
        int serverSlots = pool.serverSlots();
        boolean reload = false;
        for (String app : backends.keySet()) {
            if (!slots.containsKey(app)) {
                int k = 0;
                while (slots.containsValue(k)) {
                    k++;
                }
                slots.put(app, k);
            }
        }
        int maxSlot = slots.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        if (maxSlot >= appSlots) {
            appSlots = Math.max(appSlots * 2, maxSlot + 1);
            reload = true;
        }
        int mostServers = backends.values().stream().mapToInt(List::size).max().orElse(0);
        // room for the old and the new servers side by side: a new server never takes a slot that still serves
        if (mostServers * 2 > serverSlots) {
            serverSlots = Math.max(serverSlots * 2, mostServers * 2);
            reload = true;
        }
        Map<String, String> exact = new TreeMap<>();
        exactHosts.forEach((h, app) -> exact.put(h, backend(slots.get(app))));
        Map<String, String> wild = new TreeMap<>();
        wildHosts.forEach((h, app) -> wild.put(h, backend(slots.get(app))));
        if (!wild.equals(currentWild)) {
            reload = true; // suffix matching depends on entry order: rewrite the file
        }
        // server slots: a server keeps its slot; new ones take free slots (lists are slot-indexed, null = free)
        Map<String, List<String>> serversBySlot = new TreeMap<>();
        int n = serverSlots;
        boolean fresh = reload;
        slots.forEach((app, k) -> {
            List<String> have = fresh ? List.of() : currentServers.getOrDefault(backend(k), List.of());
            List<String> want = backends.get(app);
            String[] taken = new String[n];
            java.util.Set<String> placed = new java.util.HashSet<>();
            for (int i = 0; i < Math.min(n, have.size()); i++) {
                if (have.get(i) != null && want.contains(have.get(i))) {
                    taken[i] = have.get(i);
                    placed.add(have.get(i));
                }
            }
            for (String w : want) {
                if (placed.contains(w)) {
                    continue;
                }
                int slot = -1;
                for (int i = 0; i < n && slot < 0; i++) { // a slot free now, so that nothing serving is re-pointed
                    if (taken[i] == null && (i >= have.size() || have.get(i) == null)) {
                        slot = i;
                    }
                }
                for (int i = 0; i < n && slot < 0; i++) {
                    if (taken[i] == null) {
                        slot = i;
                    }
                }
                taken[slot] = w;
            }
            serversBySlot.put(backend(k), java.util.Arrays.asList(taken));
        });
        Pool next = new Pool(appSlots, serverSlots, slots);
        List<String> commands = new ArrayList<>();
        if (!reload) {
            List<String> ready = new ArrayList<>();
            List<String> maint = new ArrayList<>();
            for (int k = 0; k < appSlots; k++) {
                String be = backend(k);
                List<String> want = serversBySlot.getOrDefault(be, java.util.Collections.nCopies(n, null));
                List<String> have = currentServers.getOrDefault(be, List.of());
                for (int i = 0; i < n; i++) {
                    String w = want.get(i);
                    String h = i < have.size() ? have.get(i) : null;
                    if (w != null && !w.equals(h)) {
                        int colon = w.lastIndexOf(':');
                        ready.add("set server " + be + "/s" + (i + 1) + " addr " + w.substring(0, colon) + " port "
                                + w.substring(colon + 1));
                        ready.add("set server " + be + "/s" + (i + 1) + " state ready");
                    } else if (w == null && h != null) {
                        maint.add("set server " + be + "/s" + (i + 1) + " state maint");
                    }
                }
            }
            // new servers first (into free slots: nothing serving is touched), then the map, then old servers out
            commands.addAll(ready);
            exact.forEach((h, be) -> {
                String old = currentExact.get(h);
                if (old == null) {
                    commands.add("add map #EXACT " + h + " " + be);
                } else if (!old.equals(be)) {
                    commands.add("set map #EXACT " + h + " " + be);
                }
            });
            currentExact.keySet().stream().filter(h -> !exact.containsKey(h))
                    .forEach(h -> commands.add("del map #EXACT " + h));
            commands.addAll(maint);
        }
        return new Plan(next, reload, commands, serversBySlot, exact, wild);
    }

    /** The whole config for this plan. */
    static String config(Plan plan, String listenHost, int port, String dir, long connectMs, long timeoutMs,
                         int threads) {
        StringBuilder c = new StringBuilder();
        c.append("# written by dockerera: do not edit (rewritten at every reload)\n")
                .append("global\n")
                .append("    stats socket ").append(dir).append("/admin.sock mode 600 level admin expose-fd listeners\n")
                .append("    maxconn 4000\n")
                .append(threads > 0 ? "    nbthread " + threads + "\n" : "")
                .append("defaults\n")
                .append("    mode http\n")
                .append("    timeout connect ").append(connectMs).append("ms\n")
                .append("    timeout client ").append(timeoutMs).append("ms\n")
                .append("    timeout server ").append(timeoutMs).append("ms\n")
                .append("    timeout http-keep-alive 60s\n")
                .append("    option forwardfor\n")
                // an idle server connection serves any client's next request, as nginx's upstream keepalive does:
                // with "safe" (the default) a new client connection's first request always opened a new server
                // connection, 0.38x nginx's rate for one request per connection; "always" gave 2.8x that here.
                // Servers set to maint (leaving routing) have their idle connections closed by HAProxy.
                .append("    http-reuse always\n")
                .append("    retries 1\n")
                .append("    option redispatch 1\n")
                .append("frontend routes\n")
                .append("    bind ").append(listenHost).append(':').append(port).append('\n')
                .append("    http-request set-var(txn.host) req.hdr(host),lower,word(1,:)\n")
                .append("    http-request set-header X-Forwarded-Proto http\n")
                .append("    http-request set-header X-Forwarded-Host %[req.hdr(host)]\n")
                .append("    use_backend %[var(txn.host),map(").append(dir).append("/exact.map)] if { var(txn.host),map(")
                .append(dir).append("/exact.map) -m found }\n")
                .append("    use_backend %[var(txn.host),map_end(").append(dir).append("/wild.map)] if { var(txn.host),map_end(")
                .append(dir).append("/wild.map) -m found }\n")
                .append("    default_backend unknown\n")
                .append("backend unknown\n")
                .append("    http-request return status 404 content-type text/plain string \"404 Not Found: no app answers "
                        + "to this host here.\"\n");
        Map<String, String> appOf = new TreeMap<>();
        plan.pool().slots().forEach((app, k) -> appOf.put(backend(k), app));
        for (int k = 0; k < plan.pool().appSlots(); k++) {
            String be = backend(k);
            String app = appOf.getOrDefault(be, "(free)");
            List<String> servers = plan.serversBySlot().getOrDefault(be, List.of());
            c.append("backend ").append(be).append("  # ").append(app).append('\n')
                    .append("    balance roundrobin\n")
                    // HAProxy's own 503 when no server is usable (an "if nbsrv eq 0" rule also fires in the old
                    // worker during a seamless reload, whose stopped backends count no server)
                    .append("    errorfile 503 ").append(dir).append("/503.http\n");
            for (int i = 0; i < plan.pool().serverSlots(); i++) {
                c.append("    server s").append(i + 1).append(' ');
                if (i < servers.size() && servers.get(i) != null) {
                    c.append(servers.get(i)).append('\n');
                } else {
                    c.append("127.0.0.1:1 disabled\n");
                }
            }
        }
        return c.toString();
    }

    /** The body HAProxy answers when an app has no usable server. */
    static String unavailablePage() {
        String body = "503 Service Unavailable: this app has no instance available right now.\n";
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body;
    }

    /** The exact.map / wild.map file text (wildcards longest suffix first). */
    static String mapFile(Map<String, String> entries, boolean longestFirst) {
        List<Map.Entry<String, String>> list = new ArrayList<>(entries.entrySet());
        if (longestFirst) {
            list.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        }
        StringBuilder b = new StringBuilder();
        list.forEach(e -> b.append(e.getKey()).append(' ').append(e.getValue()).append('\n'));
        return b.toString();
    }
}
