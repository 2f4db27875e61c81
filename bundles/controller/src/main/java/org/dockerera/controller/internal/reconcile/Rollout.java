package org.dockerera.controller.internal.reconcile;

import java.time.Duration;
import java.util.Objects;

/**
 * How a change is rolled out: the deploy knobs.
 *
 * @param batchSize         how many new instances may be starting (not yet serving) at once while instances of
 *                          another release or of a draining host still serve; default 1. First deploys and scale-ups
 *                          with nothing to replace start every missing instance at once.
 * @param maxSurge          how many running instances may exist above the wanted count while old ones are replaced
 *                          (instances already taken out of service do not count); default 1, at least 1 (a new
 *                          instance always starts before an old one leaves: zero downtime)
 * @param restartBackoff    delay before the first restart of a crashed instance; doubled at each restart
 * @param maxRestartBackoff the longest delay between restarts
 */
public record Rollout(int batchSize, int maxSurge, Duration restartBackoff, Duration maxRestartBackoff) {
    public static final Rollout DEFAULT = new Rollout(1, 1, Duration.ofSeconds(1), Duration.ofMinutes(5));

    public Rollout {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be 1 or more, got " + batchSize);
        }
        if (maxSurge < 1) {
            throw new IllegalArgumentException("max surge must be 1 or more (a new instance starts before an old one "
                    + "leaves), got " + maxSurge);
        }
        Objects.requireNonNull(restartBackoff, "restartBackoff");
        Objects.requireNonNull(maxRestartBackoff, "maxRestartBackoff");
        if (restartBackoff.isNegative() || restartBackoff.isZero() || maxRestartBackoff.compareTo(restartBackoff) < 0) {
            throw new IllegalArgumentException("restart back-off must be positive and not above its maximum");
        }
    }

    /** These knobs with another batch size and surge. */
    public static Rollout of(int batchSize, int maxSurge) {
        return new Rollout(batchSize, maxSurge, DEFAULT.restartBackoff, DEFAULT.maxRestartBackoff);
    }

    /** The delay before restart number {@code restarts + 1}: {@code restartBackoff * 2^restarts}, capped. */
    public Duration backoff(int restarts) {
        if (restarts >= 40) {
            return maxRestartBackoff;
        }
        Duration d = restartBackoff.multipliedBy(1L << Math.max(0, restarts));
        return d.compareTo(maxRestartBackoff) > 0 ? maxRestartBackoff : d;
    }
}
