package org.dockerera.router.hipache.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.dockerera.spi.router.Route;
import org.dockerera.spi.router.RouteTable;

/**
 * A route table in Hipache's format: for each host name a Redis list {@code frontend:HOST} whose first element
 * identifies the app and whose others are the backends as URLs ({@code http://ADDR}). Hipache reads wildcard
 * frontends ({@code frontend:*.example.com}) as they are, so hosts go in unchanged. Only names and addresses are
 * rendered: a route's TLS fingerprint (and any certificate or key) never is.
 */
final class HipacheFormat {
    static final String FRONTEND = "frontend:";

    private HipacheFormat() {
    }

    /** Frontend key → list (identifier, backend URLs…), in key order. A host listed twice keeps its first route. */
    static Map<String, List<String>> render(RouteTable table) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Route r : table.routes()) {
            String key = FRONTEND + r.host();
            if (out.containsKey(key)) {
                continue;
            }
            List<String> list = new ArrayList<>(1 + r.backends().size());
            list.add(r.app());
            for (String backend : r.backends()) {
                list.add(url(backend));
            }
            out.put(key, Collections.unmodifiableList(list));
        }
        return Collections.unmodifiableMap(out);
    }

    /** {@code ip:port} → {@code http://ip:port}; an address that already has a scheme stays as it is. */
    static String url(String backend) {
        return backend.contains("://") ? backend : "http://" + backend;
    }
}
