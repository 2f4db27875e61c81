package org.dockerera.scheduler.internal;

import org.dockerera.spi.scheduler.HostSnapshot;
import org.dockerera.spi.scheduler.PlacementRequest;

/**
 * One feasibility check of the chain: a host passes it, or it says why not. Pure and thread-safe. {@link #accepts} is
 * the hot path (every host, every request: no allocation); {@link #reason} is only asked to explain a rejection.
 */
interface Filter {
    Category category();

    /** Whether {@code host} (in its tentative state) can take one more instance of {@code request}. */
    boolean accepts(HostSnapshot host, PlacementRequest request);

    /** Why {@code host} is rejected; only called when {@link #accepts} is false. */
    String reason(HostSnapshot host, PlacementRequest request);

    /** Null when accepted, else the reason. */
    default String reject(HostSnapshot host, PlacementRequest request) {
        return accepts(host, request) ? null : reason(host, request);
    }
}
