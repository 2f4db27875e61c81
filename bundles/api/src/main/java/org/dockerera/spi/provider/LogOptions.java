package org.dockerera.spi.provider;

import java.time.Instant;

/**
 * Which of a container's lines to read.
 *
 * @param tail  at most this many of the newest lines (after {@code since}); null for all
 * @param since only lines written after this instant; null for all
 */
public record LogOptions(Integer tail, Instant since) {
    public static final LogOptions ALL = new LogOptions(null, null);

    public LogOptions {
        if (tail != null && tail < 0) {
            throw new IllegalArgumentException("tail must be 0 or more, was " + tail);
        }
    }

    public static LogOptions tail(int n) {
        return new LogOptions(n, null);
    }

    public static LogOptions since(Instant since) {
        return new LogOptions(null, since);
    }
}
