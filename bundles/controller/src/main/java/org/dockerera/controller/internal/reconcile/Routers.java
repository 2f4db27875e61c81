package org.dockerera.controller.internal.reconcile;

/**
 * What the registered routers acknowledged.
 *
 * @param registered how many routers are registered; with none, every table counts as acknowledged
 * @param ackedEpoch the lowest epoch acknowledged by every registered router
 */
public record Routers(int registered, long ackedEpoch) {
    /** No router registered: nothing to wait for. */
    public static final Routers NONE = new Routers(0, 0);

    public Routers {
        if (registered < 0 || ackedEpoch < 0) {
            throw new IllegalArgumentException("router count and epoch must be 0 or more");
        }
    }

    /** Whether every registered router has applied the table of {@code epoch} (or a later one). */
    public boolean acknowledged(long epoch) {
        return registered == 0 || ackedEpoch >= epoch;
    }

    /** For messages: what was acknowledged. */
    String describe() {
        return registered == 0 ? "no router registered" : registered + " router(s) acknowledged epoch " + ackedEpoch;
    }
}
