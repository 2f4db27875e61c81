package org.dockerera.spi.router;

import java.util.Map;

/**
 * One router: a data plane serving route tables. Registered as an OSGi service with the property
 * {@link #PROPERTY} = its {@link #type()}; several may be active at once.
 */
public interface RouterBackend {
    /** Service property naming the backend type: {@code builtin}, {@code haproxy}, {@code apache}. */
    String PROPERTY = "dockerera.router";

    /** {@code builtin}, {@code haproxy}, {@code apache} … */
    String type();

    /** Where traffic can be sent to this router, e.g. {@code http://127.0.0.1:8080} (never 0.0.0.0). */
    String url();

    /**
     * Serves {@code table} from now on: atomically (a request sees the old table or the new one, never a mix) and
     * without dropping requests in flight. Returns once the table is served; an older epoch than the one served is
     * ignored.
     *
     * @throws RuntimeException when the table cannot be applied (the previous one keeps being served)
     */
    void apply(RouteTable table);

    /**
     * As {@link #apply(RouteTable)}, with the certificates of the table's TLS routes ({@link Route#tls()} not null)
     * by host name. A backend that terminates TLS serves them (a host whose certificate is missing gets none); the
     * default ignores them.
     */
    default void apply(RouteTable table, Map<String, TlsCertificate> certificates) {
        apply(table);
    }

    /** Whether this backend serves HTTPS with the certificates it is given (then the agent fetches them). */
    default boolean terminatesTls() {
        return false;
    }

    /** The epoch of the table being served, 0 before the first. */
    long servedEpoch();

    /** Whether the data plane serves requests, and why not. */
    Health health();

    /** Counters per app since the router started. */
    Map<String, AppStats> stats();

    /** Up or not, with a reason. */
    record Health(boolean up, String detail) {
    }

    /**
     * Per-app counters.
     *
     * @param requests       requests answered for the app
     * @param statuses       responses by status class ({@code 2xx}, {@code 3xx}, {@code 4xx}, {@code 5xx})
     * @param retries        idempotent requests retried on another instance after a connection failure
     * @param latencyBuckets upper bounds in ms ({@code "1"}, {@code "5"}, … {@code "+Inf"}) to request counts
     *                       (cumulative, Prometheus-style)
     */
    record AppStats(long requests, Map<String, Long> statuses, long retries, Map<String, Long> latencyBuckets) {
        public AppStats {
            statuses = Map.copyOf(statuses);
            latencyBuckets = Map.copyOf(latencyBuckets);
        }
    }
}
