package org.dockerera.router.builtin.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passive health and load of every backend address, across table swaps: a connection refused, or accepted and closed
 * before any response byte, is a failure; after {@code ejectAfter} failures in a row the backend is skipped for
 * {@code ejectForNanos} (then tried again). Any response byte resets the count.
 */
final class Backends {
    static final class State {
        final AtomicInteger failures = new AtomicInteger();
        final AtomicLong ejectedUntil = new AtomicLong();
        final AtomicInteger inFlight = new AtomicInteger();
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final int ejectAfter;
    private final long ejectForNanos;
    private final boolean leastRequests;

    Backends(int ejectAfter, long ejectForNanos, boolean leastRequests) {
        this.ejectAfter = Math.max(1, ejectAfter);
        this.ejectForNanos = ejectForNanos;
        this.leastRequests = leastRequests;
    }

    State state(String address) {
        return states.computeIfAbsent(address, a -> new State());
    }

    void failed(String address) {
        State s = state(address);
        if (s.failures.incrementAndGet() >= ejectAfter) {
            s.ejectedUntil.set(System.nanoTime() + ejectForNanos);
        }
    }

    void succeeded(String address) {
        State s = states.get(address);
        if (s != null && s.failures.get() != 0) {
            s.failures.set(0);
            s.ejectedUntil.set(0);
        }
    }

    boolean ejected(String address, long now) {
        State s = states.get(address);
        return s != null && s.ejectedUntil.get() - now > 0;
    }

    /**
     * The next backend for the target: round-robin (or the fewest in flight) among the ones not ejected and not
     * {@code exclude}; when all are ejected, the least recently ejected is tried rather than none. Null if none.
     */
    String pick(Routes.Target t, String exclude) {
        String[] b = t.backends();
        if (b.length == 0) {
            return null;
        }
        long now = System.nanoTime();
        if (leastRequests) {
            String best = null;
            int bestLoad = Integer.MAX_VALUE;
            int start = Math.floorMod(t.next().getAndIncrement(), b.length);
            for (int i = 0; i < b.length; i++) {
                String a = b[(start + i) % b.length];
                if (a.equals(exclude) || ejected(a, now)) {
                    continue;
                }
                int load = state(a).inFlight.get();
                if (load < bestLoad) {
                    best = a;
                    bestLoad = load;
                }
            }
            return best != null ? best : fallback(b, exclude);
        }
        for (int i = 0; i < b.length; i++) {
            String a = b[Math.floorMod(t.next().getAndIncrement(), b.length)];
            if (!a.equals(exclude) && !ejected(a, now)) {
                return a;
            }
        }
        return fallback(b, exclude);
    }

    private String fallback(String[] b, String exclude) {
        String best = null;
        long soonest = Long.MAX_VALUE;
        for (String a : b) {
            if (a.equals(exclude)) {
                continue;
            }
            long until = state(a).ejectedUntil.get();
            if (best == null || until < soonest) {
                best = a;
                soonest = until;
            }
        }
        return best;
    }

    /** Forgets backends no table names any more. */
    void retain(java.util.Set<String> live) {
        states.keySet().retainAll(live);
    }
}
