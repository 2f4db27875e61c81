package org.dockerera.api;

import java.time.Instant;

/**
 * Which lines of an app's log to read.
 *
 * @param tail     the newest this many lines, counted across instances after merging them by time; null for
 *                 {@value #DEFAULT_TAIL}; 0 for none (a follow then sends only new lines)
 * @param since    only lines written at or after this instant; null for all that are kept
 * @param instance only this instance's lines; null for every instance
 */
public record LogQuery(Integer tail, Instant since, String instance) {
    public static final int DEFAULT_TAIL = 100;
    public static final int MAX_TAIL = 10_000;
    public static final LogQuery DEFAULT = new LogQuery(null, null, null);

    public LogQuery {
        if (tail != null && (tail < 0 || tail > MAX_TAIL)) {
            throw DockereraException.invalid("invalid-tail", "tail must be 0 to " + MAX_TAIL + ", got " + tail);
        }
    }

    /** The number of lines asked for, default applied. */
    public int lines() {
        return tail == null ? DEFAULT_TAIL : tail;
    }
}
