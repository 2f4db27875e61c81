package org.dockerera.controller.internal.apps;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.dockerera.api.InstanceStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU and memory of running containers, for instance listings. A host samples a container's stats once a second
 * and answers a request only after its next sample or two (1-2 s on Docker 20.10), so: all containers are asked in
 * parallel and the caller waits at most {@code wait} for the lot (a container whose answer is later has null stats);
 * one request per container is in flight at a time, whoever asks; an answer is kept, and served at once for up to
 * {@code keep} while a fresher one is fetched in the background once it is older than {@code fresh}. A UI that polls
 * thus gets figures at once after its first call, and no host is asked more than once per {@code fresh} per container.
 */
final class StatsSampler {
    private static final Logger LOG = LoggerFactory.getLogger(StatsSampler.class);

    /** One container to sample: {@code key} identifies it (host and container id), {@code fetch} asks its host. */
    record Target(String key, String instance) {
    }

    private final Function<Target, InstanceStats> fetch;
    private final Executor executor;
    private final Clock clock;
    private final Duration wait;
    private final Duration fresh;
    private final Duration keep;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    private static final class Slot {
        volatile InstanceStats value;
        volatile Instant at;
        volatile Instant used;
        volatile CompletableFuture<InstanceStats> inFlight;
    }

    StatsSampler(Function<Target, InstanceStats> fetch, Executor executor, Clock clock, Duration wait, Duration fresh,
                 Duration keep) {
        this.fetch = fetch;
        this.executor = executor;
        this.clock = clock;
        this.wait = wait;
        this.fresh = fresh;
        this.keep = keep;
    }

    /** Stats by instance id; an instance whose stats are not known within the wait is absent. */
    Map<String, InstanceStats> sample(List<Target> targets) {
        Instant now = clock.instant();
        long deadline = System.nanoTime() + wait.toNanos();
        Map<String, InstanceStats> out = new HashMap<>();
        Map<String, CompletableFuture<InstanceStats>> pending = new HashMap<>();
        for (Target t : targets) {
            Slot slot = slots.computeIfAbsent(t.key(), k -> new Slot());
            slot.used = now;
            InstanceStats cached = slot.value;
            Instant at = slot.at;
            if (cached != null && at != null && !at.plus(keep).isBefore(now)) {
                out.put(t.instance(), cached);
                if (at.plus(fresh).isBefore(now)) {
                    refresh(t, slot);
                }
            } else {
                pending.put(t.instance(), refresh(t, slot));
            }
        }
        for (Map.Entry<String, CompletableFuture<InstanceStats>> p : pending.entrySet()) {
            long left = deadline - System.nanoTime();
            try {
                InstanceStats s = p.getValue().get(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (s != null) {
                    out.put(p.getKey(), s);
                }
            } catch (TimeoutException e) {
                // late: the answer is kept for the next caller
            } catch (ExecutionException e) {
                LOG.debug("no stats for instance {}: {}", p.getKey(), e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        forgetUnused(now);
        return out;
    }

    /** The slot's fetch in flight, or a new one. */
    private CompletableFuture<InstanceStats> refresh(Target t, Slot slot) {
        synchronized (slot) {
            CompletableFuture<InstanceStats> f = slot.inFlight;
            if (f != null && !f.isDone()) {
                return f;
            }
            CompletableFuture<InstanceStats> started = new CompletableFuture<>();
            slot.inFlight = started;
            try {
                executor.execute(() -> {
                    InstanceStats s = null;
                    RuntimeException failure = null;
                    try {
                        s = fetch.apply(t);
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                    // the slot is settled before anyone waiting hears of it
                    synchronized (slot) {
                        slot.value = s;
                        slot.at = failure == null ? clock.instant() : null;
                        slot.inFlight = null;
                    }
                    if (failure == null) {
                        started.complete(s);
                    } else {
                        started.completeExceptionally(failure);
                    }
                });
            } catch (RuntimeException e) {
                slot.inFlight = null;
                started.completeExceptionally(e);
            }
            return started;
        }
    }

    /** Containers nobody asked about for a while (gone, or nobody looks) are dropped. */
    private void forgetUnused(Instant now) {
        Instant limit = now.minus(keep.multipliedBy(4));
        slots.entrySet().removeIf(e -> e.getValue().inFlight == null && e.getValue().used != null
                && e.getValue().used.isBefore(limit));
    }
}
