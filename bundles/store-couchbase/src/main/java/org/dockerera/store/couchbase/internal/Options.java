package org.dockerera.store.couchbase.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a {@link CouchbaseConfigStore}, validated.
 *
 * @param connectionString     couchbase:// or couchbases:// connection string
 * @param bucket               bucket name
 * @param username             RBAC user
 * @param password             RBAC password (never printed: see {@link #toString()})
 * @param tls                  TLS on (also when the connection string says couchbases://)
 * @param tlsCaFile            PEM CA file, blank for the JVM's trust store
 * @param connectTimeout       bootstrap timeout
 * @param kvTimeout            key-value operation timeout
 * @param keyPrefix            prefix of every document id
 * @param historyLength        revisions the change feed keeps
 * @param watchPoll            interval between polls of the counter
 * @param reconcileGrace       how long a revision may stay unfinished before readers settle it
 * @param maxBackoff           longest interval between probes while unreachable
 */
public record Options(String connectionString, String bucket, String username, String password, boolean tls,
                      String tlsCaFile, Duration connectTimeout, Duration kvTimeout, String keyPrefix,
                      int historyLength, Duration watchPoll, Duration reconcileGrace, Duration maxBackoff) {
    public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_KV_TIMEOUT_MILLIS = 2_500;
    public static final String DEFAULT_KEY_PREFIX = "dockerera::";
    public static final int DEFAULT_HISTORY_LENGTH = 100_000;
    public static final int DEFAULT_WATCH_POLL_MILLIS = 25;
    public static final int DEFAULT_RECONCILE_GRACE_MILLIS = 5_000;
    public static final int DEFAULT_MAX_BACKOFF_MILLIS = 2_000;
    /** Couchbase's limit on a document id, in UTF-8 bytes. */
    static final int MAX_ID_BYTES = 250;
    /** The longest id this store forms besides data ids: "chg::" and a long, or "idx::" and a shard. */
    private static final int LONGEST_SUFFIX = 25;

    public Options {
        Objects.requireNonNull(connectionString, "connectionString");
        connectionString = connectionString.trim();
        if (!connectionString.startsWith("couchbase://") && !connectionString.startsWith("couchbases://")) {
            throw new IllegalArgumentException("connectionString must start with couchbase:// or couchbases://, not '"
                    + redact(connectionString) + "'");
        }
        if (connectionString.substring(connectionString.indexOf("://") + 3).isBlank()) {
            throw new IllegalArgumentException("connectionString names no host: '" + connectionString + "'");
        }
        bucket = require(bucket, "bucket");
        username = username == null ? "" : username.trim();
        password = password == null ? "" : password;
        tlsCaFile = tlsCaFile == null ? "" : tlsCaFile.trim();
        keyPrefix = keyPrefix == null ? "" : keyPrefix;
        if (keyPrefix.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES - LONGEST_SUFFIX - 70) {
            throw new IllegalArgumentException("keyPrefix is too long (at most "
                    + (MAX_ID_BYTES - LONGEST_SUFFIX - 70) + " bytes): '" + keyPrefix + "'");
        }
        positive(connectTimeout, "connectTimeoutMillis");
        positive(kvTimeout, "kvTimeoutMillis");
        positive(watchPoll, "watchPollMillis");
        positive(reconcileGrace, "reconcileGraceMillis");
        positive(maxBackoff, "maxBackoffMillis");
        if (historyLength < 1) {
            throw new IllegalArgumentException("historyLength must be at least 1, not " + historyLength);
        }
        if (!tlsCaFile.isEmpty() && !(tls || connectionString.startsWith("couchbases://"))) {
            throw new IllegalArgumentException("tlsCaFile is set but TLS is off: set tls = true or use couchbases://");
        }
    }

    private static String require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value.trim();
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, not " + (d == null ? null : d.toMillis()));
        }
    }

    /** The defaults of {@link CouchbaseStoreConfig} with another server, bucket and credentials. */
    public static Options of(String connectionString, String bucket, String username, String password) {
        return new Options(connectionString, bucket, username, password, false, "",
                Duration.ofMillis(DEFAULT_CONNECT_TIMEOUT_MILLIS), Duration.ofMillis(DEFAULT_KV_TIMEOUT_MILLIS),
                DEFAULT_KEY_PREFIX, DEFAULT_HISTORY_LENGTH, Duration.ofMillis(DEFAULT_WATCH_POLL_MILLIS),
                Duration.ofMillis(DEFAULT_RECONCILE_GRACE_MILLIS), Duration.ofMillis(DEFAULT_MAX_BACKOFF_MILLIS));
    }

    static Options of(CouchbaseStoreConfig c) {
        return new Options(c.connectionString(), c.bucket(), c.username(), c.password(), c.tls(), c.tlsCaFile(),
                Duration.ofMillis(c.connectTimeoutMillis()), Duration.ofMillis(c.kvTimeoutMillis()), c.keyPrefix(),
                c.historyLength(), Duration.ofMillis(c.watchPollMillis()), Duration.ofMillis(c.reconcileGraceMillis()),
                Duration.ofMillis(c.maxBackoffMillis()));
    }

    public Options withKeyPrefix(String prefix) {
        return new Options(connectionString, bucket, username, password, tls, tlsCaFile, connectTimeout, kvTimeout,
                prefix, historyLength, watchPoll, reconcileGrace, maxBackoff);
    }

    public Options withHistoryLength(int length) {
        return new Options(connectionString, bucket, username, password, tls, tlsCaFile, connectTimeout, kvTimeout,
                keyPrefix, length, watchPoll, reconcileGrace, maxBackoff);
    }

    public Options withTimeouts(Duration kv, Duration grace, Duration backoff) {
        return new Options(connectionString, bucket, username, password, tls, tlsCaFile, connectTimeout, kv,
                keyPrefix, historyLength, watchPoll, grace, backoff);
    }

    /** Whether TLS is on, by flag or by scheme. */
    public boolean tlsEnabled() {
        return tls || connectionString.startsWith("couchbases://");
    }

    /** Where the store lives, for health and logs: connection string (without any user info) and bucket. */
    public String endpoint() {
        return redact(connectionString) + "/" + bucket + (keyPrefix.isEmpty() ? "" : " (keys " + keyPrefix + "*)");
    }

    /** Drops a {@code user:password@} part some people write into connection strings. */
    static String redact(String connectionString) {
        int scheme = connectionString.indexOf("://");
        int at = connectionString.lastIndexOf('@');
        if (scheme >= 0 && at > scheme) {
            return connectionString.substring(0, scheme + 3) + connectionString.substring(at + 1);
        }
        return connectionString;
    }

    @Override
    public String toString() {
        return "Options[" + endpoint() + ", user " + username + ", password " + (password.isEmpty() ? "none" : "***")
                + ", tls " + tlsEnabled() + ", history " + historyLength + "]";
    }
}
