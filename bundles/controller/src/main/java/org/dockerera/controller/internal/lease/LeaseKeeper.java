package org.dockerera.controller.internal.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.dockerera.api.Leadership;
import org.dockerera.controller.internal.Json;
import org.dockerera.spi.store.CasConflictException;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller lease: one key, {@value #KEY}, in the shared store, written with compare-and-set.
 *
 * <p>The holder renews it (a CAS on the version it last wrote) every {@link #tick}; the others watch its version. No
 * clock is compared across processes: a standby takes the lease over only when it has seen the same version for a
 * whole lease period on its own monotonic clock, and the holder stops acting one lease period after it
 * <em>sent</em> its last successful renewal. The renewal was written after it was sent, and the standby saw it after
 * it was written, so the holder has stopped before any standby can start: no two controllers act at once, as long as
 * the two monotonic clocks run at about the same rate ({@link #SAFETY} of the lease absorbs drift).
 *
 * <p>A holder that cannot reach the store cannot renew, and stops acting when its lease runs out, like a crashed one.
 * Stopping cleanly ({@link #release}) deletes the key, so a standby takes over at its next tick instead of a lease
 * later.
 *
 * <p>Not thread-safe except {@link #acting()} and {@link #view()}: one thread calls {@link #tick}.
 */
public final class LeaseKeeper {
    public static final String KEY = "controller/lease";
    /** The share of the lease a holder gives up early, against clock drift and slow renewals. */
    static final double SAFETY = 0.1;
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    /** The stored value. */
    record Holder(String id, String url, long term, Instant acquired, Instant renewed) {
    }

    /** Told when this controller starts or stops acting; called on the ticking thread. */
    public interface Listener {
        void roleChanged(boolean acting);
    }

    private final ConfigStore store;
    private final String id;
    private final java.util.function.Supplier<String> url;
    private final Duration lease;
    private final LongSupplier nanos;
    private final Clock clock;
    private final Listener listener;

    /** Monotonic deadline (nanos) until which this controller may act; meaningful while {@link #holding}. */
    private volatile long actUntil;
    private volatile boolean holding;
    private volatile Holder seen;
    private volatile Instant since;
    private boolean reported;
    /** The version this controller wrote last (holding) or last saw (standby), and when it first saw it. */
    private long version = -1;
    private long seenAt;

    public LeaseKeeper(ConfigStore store, String id, java.util.function.Supplier<String> url, Duration lease, LongSupplier nanos, Clock clock,
                       Listener listener) {
        this.store = store;
        this.id = id;
        this.url = url;
        this.lease = lease;
        this.nanos = nanos;
        this.clock = clock;
        this.listener = listener;
        this.since = clock.instant();
    }

    /** Whether this controller may act now: it holds the lease and the lease has not run out. */
    public boolean acting() {
        return holding && nanos.getAsLong() - actUntil < 0;
    }

    public Leadership view() {
        Holder h = seen;
        boolean act = acting();
        return new Leadership(act ? Leadership.ACTIVE : Leadership.STANDBY, id, url.get(),
                h == null ? null : h.id(), h == null ? null : h.url(), h == null ? 0 : h.term(), since,
                lease.toMillis());
    }

    /** One step: renew, watch or take over. Store failures are logged and leave the lease to run out. */
    public void tick() {
        try {
            step();
        } catch (StoreUnavailableException e) {
            LOG.debug("controller lease: store not reachable: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.warn("controller lease: {}", e.toString(), e);
        }
        if (holding && !acting()) {
            holding = false;
            LOG.warn("controller {}: lease ran out without renewal (store unreachable?): standby now", id);
        }
        report(acting());
    }

    /** Tells the listener when the role differs from the one it last heard (time alone can end acting). */
    private void report(boolean acting) {
        if (acting != reported) {
            reported = acting;
            since = clock.instant();
            listener.roleChanged(acting);
        }
    }

    private void step() {
        long sent = nanos.getAsLong();
        Optional<Entry> current = store.get(KEY);
        if (current.isEmpty()) {
            acquire(sent, 1, ConfigStore.ABSENT, "nobody held it");
            return;
        }
        Entry e = current.get();
        Holder h = Json.read(e.value(), Holder.class);
        seen = h;
        if (h.id().equals(id)) {
            if (!holding || e.version() != version) {
                // a lease of ours we no longer keep (we stopped acting), or written by someone else in our name
                acquire(sent, h.term() + 1, e.version(), "it had lapsed");
                return;
            }
            renew(sent, h, e.version());
            return;
        }
        if (holding) {
            holding = false;
            LOG.warn("controller {}: {} took the lease over (term {}): standby now", id, h.id(), h.term());
        }
        long now = nanos.getAsLong();
        if (e.version() != version) {
            version = e.version();
            seenAt = now;
        } else if (now - seenAt >= lease.toNanos()) {
            acquire(sent, h.term() + 1, e.version(), h.id() + " did not renew it for " + lease.toMillis() + " ms");
        }
    }

    private void acquire(long sent, long term, long expected, String why) {
        Instant now = clock.instant();
        Holder me = new Holder(id, url.get(), term, now, now);
        try {
            Entry written = store.put(KEY, Json.write(me), expected);
            version = written.version();
            seen = me;
            actUntil = sent + actingNanos();
            holding = true;
            LOG.info("controller {} ({}) holds the lease (term {}): {}", id, me.url(), term, why);
        } catch (CasConflictException lost) {
            version = -1; // someone else was faster: watch its lease from now
        }
    }

    private void renew(long sent, Holder h, long expected) {
        Holder renewed = new Holder(h.id(), url.get(), h.term(), h.acquired(), clock.instant());
        try {
            Entry written = store.put(KEY, Json.write(renewed), expected);
            version = written.version();
            seen = renewed;
            actUntil = sent + actingNanos();
        } catch (CasConflictException lost) {
            holding = false;
            version = -1;
            LOG.warn("controller {}: the lease changed under us: standby now", id);
        }
    }

    private long actingNanos() {
        return (long) (lease.toNanos() * (1 - SAFETY));
    }

    /** Gives the lease up when held (so that a standby takes over at once). */
    public void release() {
        holding = false;
        try {
            Optional<Entry> e = store.get(KEY);
            if (e.isPresent() && e.get().version() == version
                    && Json.read(e.get().value(), Holder.class).id().equals(id)) {
                store.delete(KEY, version);
                LOG.info("controller {} gave the lease up", id);
            }
        } catch (RuntimeException e) {
            LOG.info("controller {}: could not give the lease up ({}); it runs out in {} ms", id, e.toString(),
                    lease.toMillis());
        }
        report(false);
    }
}
