package org.dockerera.store.redis.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where and how the Redis store connects, parsed and checked from {@link RedisStoreConfig} (or built by tests).
 *
 * @param host             server host
 * @param port             server port
 * @param database         database number
 * @param user             ACL user, null for the default user
 * @param password         password, null for none; never shown by {@link #toString()} or {@link #endpoint()}
 * @param tls              whether to connect with TLS
 * @param tlsCaFile        PEM CA file, null for none
 * @param tlsTruststore    truststore file, null for none
 * @param tlsTruststorePassword its password, null for none
 * @param tlsVerifyHostname whether the certificate must name {@code host}
 * @param keyPrefix        prefix of every Redis key the store uses
 * @param historyLength    changes the feed keeps, at least
 * @param connectTimeoutMs bound on connecting
 * @param socketTimeoutMs  bound on an answer
 * @param poolSize         pooled connections
 */
public record RedisOptions(String host, int port, int database, String user, String password, boolean tls,
                           String tlsCaFile, String tlsTruststore, String tlsTruststorePassword,
                           boolean tlsVerifyHostname, String keyPrefix, int historyLength, int connectTimeoutMs,
                           int socketTimeoutMs, int poolSize) {
    public static final String DEFAULT_URI = "redis://127.0.0.1:6379";
    public static final String DEFAULT_KEY_PREFIX = "dockerera:";
    public static final int DEFAULT_HISTORY_LENGTH = 100_000;
    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 2000;
    public static final int DEFAULT_SOCKET_TIMEOUT_MS = 2000;
    public static final int DEFAULT_POOL_SIZE = 16;

    public RedisOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (host.isBlank()) {
            throw new IllegalArgumentException("the Redis uri names no host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the Redis port must be 1-65535, not " + port);
        }
        if (database < 0) {
            throw new IllegalArgumentException("the Redis database must be 0 or more, not " + database);
        }
        if (historyLength < 1) {
            throw new IllegalArgumentException("historyLength must be at least 1, not " + historyLength);
        }
        if (connectTimeoutMs < 1 || socketTimeoutMs < 1) {
            throw new IllegalArgumentException("connectTimeoutMs and socketTimeoutMs must be positive");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1, not " + poolSize);
        }
        user = blankToNull(user);
        password = blankToNull(password);
        tlsCaFile = blankToNull(tlsCaFile);
        tlsTruststore = blankToNull(tlsTruststore);
        tlsTruststorePassword = blankToNull(tlsTruststorePassword);
    }

    /** Plain options for {@code host:port} with the defaults (tests, bench). */
    public static RedisOptions of(String host, int port, String keyPrefix, int historyLength) {
        return new RedisOptions(host, port, 0, null, null, false, null, null, null, true, keyPrefix, historyLength,
                DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_SOCKET_TIMEOUT_MS, DEFAULT_POOL_SIZE);
    }

    /**
     * Parses the configuration. The uri gives host, port, TLS ({@code rediss}), and optionally user, password and
     * database; the separate keys win over what the uri says.
     *
     * @throws IllegalArgumentException naming the key that is wrong
     */
    public static RedisOptions of(RedisStoreConfig c) {
        Uri u = Uri.parse(c.uri());
        int database = c.database() >= 0 ? c.database() : u.database();
        return new RedisOptions(u.host(), u.port(), database, or(c.user(), u.user()), or(c.password(), u.password()),
                c.tls() || u.tls(), c.tlsCaFile(), c.tlsTruststore(), c.tlsTruststorePassword(), c.tlsVerifyHostname(),
                c.keyPrefix(), c.historyLength(), c.connectTimeoutMs(), c.socketTimeoutMs(), c.poolSize());
    }

    /** Where the store is, for health and logs: scheme, host, port, database; never the password. */
    public String endpoint() {
        return (tls ? "rediss" : "redis") + "://" + (user == null ? "" : user + "@")
                + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "RedisOptions[" + endpoint() + ", password " + (password == null ? "none" : "***") + ", keyPrefix '"
                + keyPrefix + "', historyLength " + historyLength + ", timeouts " + connectTimeoutMs + "/"
                + socketTimeoutMs + " ms, pool " + poolSize + "]";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String or(String preferred, String fallback) {
        return preferred == null || preferred.isBlank() ? fallback : preferred;
    }

    /** The parts of a {@code redis://} or {@code rediss://} uri. */
    record Uri(String host, int port, int database, String user, String password, boolean tls) {
        static Uri parse(String text) {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("uri is empty; e.g. " + DEFAULT_URI);
            }
            URI uri;
            try {
                uri = new URI(text.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("uri '" + redact(text) + "' is not a URI: " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("redis") && !scheme.equals("rediss")) {
                throw new IllegalArgumentException("uri '" + redact(text) + "' must start with redis:// or rediss://");
            }
            String host = uri.getHost();
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("uri '" + redact(text) + "' names no host; e.g. " + DEFAULT_URI);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = uri.getPort() < 0 ? 6379 : uri.getPort();
            int database = 0;
            String path = uri.getPath();
            if (path != null && !path.isEmpty() && !path.equals("/")) {
                try {
                    database = Integer.parseInt(path.substring(1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("uri '" + redact(text) + "': the path must be a database "
                            + "number, not '" + path.substring(1) + "'");
                }
            }
            String user = null;
            String password = null;
            String info = uri.getRawUserInfo();
            if (info != null && !info.isEmpty()) {
                int colon = info.indexOf(':');
                if (colon < 0) {
                    password = decode(info); // redis://secret@host, as redis-cli takes it
                } else {
                    user = decode(info.substring(0, colon));
                    password = decode(info.substring(colon + 1));
                }
            }
            return new Uri(host, port, database, user == null || user.isEmpty() ? null : user,
                    password == null || password.isEmpty() ? null : password, scheme.equals("rediss"));
        }

        private static String decode(String s) {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        }

        /** The uri without its user info, for error messages. */
        static String redact(String text) {
            return text.replaceAll("//[^@/]*@", "//***@");
        }
    }
}
