package org.dockerera.store.embedded.internal;

/**
 * Tuning of an {@link MVConfigStore}.
 *
 * @param historyRetention       how many of the most recent changes the feed keeps (at least 1)
 * @param compactIntervalSeconds seconds between scheduled compactions; 0 for none
 */
public record Options(int historyRetention, int compactIntervalSeconds) {
    public static final int DEFAULT_HISTORY_RETENTION = 100_000;
    public static final int DEFAULT_COMPACT_INTERVAL_SECONDS = 300;

    public Options {
        if (historyRetention < 1) {
            throw new IllegalArgumentException("historyRetention must be at least 1, not " + historyRetention);
        }
        if (compactIntervalSeconds < 0) {
            throw new IllegalArgumentException("compactIntervalSeconds must not be negative, not " + compactIntervalSeconds);
        }
    }

    public static Options defaults() {
        return new Options(DEFAULT_HISTORY_RETENTION, DEFAULT_COMPACT_INTERVAL_SECONDS);
    }

    public Options withHistoryRetention(int retention) {
        return new Options(retention, compactIntervalSeconds);
    }

    static Options of(EmbeddedStoreConfig config) {
        return new Options(config.historyRetention(), config.compactIntervalSeconds());
    }
}
