package org.dockerera.router.builtin.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;

/**
 * One route table, immutable, for lookups on the hot path: exact host names in a hash map, wildcards
 * ({@code *.app.com}) longest suffix first. An exact name wins over any wildcard.
 */
final class Routes {
    static final Routes EMPTY = new Routes(RouteTable.EMPTY);

    /** Where one host name goes. The round-robin counter lives here, per table: a new table starts it afresh. */
    record Target(String app, String[] backends, AtomicInteger next, boolean httpsRedirect) {
    }

    private final long epoch;
    private final Map<String, Target> exact;
    private final List<Map.Entry<String, Target>> wildcards;

    Routes(RouteTable table) {
        this.epoch = table.epoch();
        Map<String, Target> e = new HashMap<>();
        List<Map.Entry<String, Target>> w = new ArrayList<>();
        for (Route r : table.routes()) {
            String host = r.host().toLowerCase(Locale.ROOT);
            Target t = new Target(r.app(), r.backends().toArray(new String[0]), new AtomicInteger(),
                    r.httpsRedirect());
            if (host.startsWith("*.")) {
                w.add(Map.entry(host.substring(1), t)); // ".app.com"
            } else {
                e.put(host, t);
            }
        }
        w.sort(Comparator.comparingInt((Map.Entry<String, Target> x) -> x.getKey().length()).reversed());
        this.exact = Map.copyOf(e);
        this.wildcards = List.copyOf(w);
    }

    long epoch() {
        return epoch;
    }

    /** The target of a {@code Host} header value (any port and trailing dot removed, case ignored), or null. */
    Target lookup(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        String host = normalize(hostHeader);
        Target t = exact.get(host);
        if (t != null) {
            return t;
        }
        for (Map.Entry<String, Target> w : wildcards) {
            if (host.endsWith(w.getKey()) && host.length() > w.getKey().length()) {
                return w.getValue();
            }
        }
        return null;
    }

    static String normalize(String hostHeader) {
        String h = hostHeader.trim();
        if (h.startsWith("[")) { // IPv6 literal
            int end = h.indexOf(']');
            h = end > 0 ? h.substring(0, end + 1) : h;
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }
}
