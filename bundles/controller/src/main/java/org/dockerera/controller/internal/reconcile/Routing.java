package org.dockerera.controller.internal.reconcile;

import java.time.Instant;

/**
 * Where one instance stands in the published route table.
 *
 * @param routed    whether the latest published route table sends traffic to it
 * @param epoch     the epoch of the route table that last added it (when routed) or removed it (when not); 0 when
 *                  it was never routed
 * @param changedAt when that table was published (for a removal: when its drain timeout started)
 */
public record Routing(boolean routed, long epoch, Instant changedAt) {
    /** Never routed. */
    public static final Routing NONE = new Routing(false, 0, null);

    public Routing {
        if (epoch < 0 || routed && epoch == 0) {
            throw new IllegalArgumentException("a routed instance needs the epoch (1 or more) that added it");
        }
    }

    /** Added by the table of {@code epoch}, published at {@code at}. */
    public static Routing in(long epoch, Instant at) {
        return new Routing(true, epoch, at);
    }

    /** Removed by the table of {@code epoch}, published at {@code at}. */
    public static Routing out(long epoch, Instant at) {
        return new Routing(false, epoch, at);
    }

    /** Whether it was in a published route table at some time. */
    public boolean everRouted() {
        return epoch > 0;
    }
}
