package org.dockerera.store.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.dockerera.spi.store.CasConflictException;
import org.dockerera.spi.store.Change;
import org.dockerera.spi.store.ChangeBatch;
import org.dockerera.spi.store.ChangeListener;
import org.dockerera.spi.store.ConfigStore;
import org.dockerera.spi.store.Entry;
import org.dockerera.spi.store.HistoryGoneException;
import org.dockerera.spi.store.StoreHealth;
import org.dockerera.spi.store.StoreUnavailableException;
import org.dockerera.spi.store.Watch;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The {@link ConfigStore} on Redis ({@code dockerera.store=redis}). The data layout and the atomic write scripts are
 * described in {@link Scripts}: one store revision counter, each key's version the revision of its last write, its
 * create revision kept, and the change feed a Redis Stream with the revision as entry id, appended by the same script
 * that writes (no pub/sub, no keyspace notifications: those lose messages). Listing a prefix is a ZRANGEBYLEX over a
 * sorted set of the keys plus HMGETs, in one read-only script, so a listing is one consistent snapshot.
 *
 * <p>Calls borrow a connection from a small pool with bounded connect and read timeouts; any failure to reach Redis
 * (refused, reset, timed out, loading, read-only replica, wrong password) is a {@link StoreUnavailableException}, and
 * the pool's idle connections are dropped so the next call dials afresh. Reads are retried once on a fresh
 * connection (a connection left over from before a Redis restart fails once); writes never are: a write whose answer
 * was lost may or may not have happened, as with any remote database.
 *
 * <p>Durability is Redis's: run it with {@code appendonly yes} and {@code appendfsync always} so that an acknowledged
 * write is in the fsync'd AOF; the store warns at start when the server says otherwise.
 *
 * <p>Each {@linkplain #watch watch} has its own thread and connection and follows the stream with XREAD BLOCK; see
 * {@link RedisWatch}.
 */
@Component(service = ConfigStore.class, configurationPid = RedisStoreConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {ConfigStore.BACKEND_PROPERTY + "=" + RedisConfigStore.BACKEND,
                // below the embedded store (0): consumers that take any ConfigStore keep the embedded one until the
                // store facade picks a backend by name
                "service.ranking:Integer=-10"})
@Designate(ocd = RedisStoreConfig.class)
public final class RedisConfigStore implements ConfigStore, AutoCloseable {
    static final String BACKEND = "redis";
    private static final Logger LOG = LoggerFactory.getLogger(RedisConfigStore.class);
    /** Stream entries one changes() call looks at, at most, when a prefix matches few of them. */
    static final int SCAN_BUDGET = 10_000;
    private static final AtomicInteger WATCH_IDS = new AtomicInteger();

    private final RedisOptions options;
    private final HostAndPort address;
    private final JedisClientConfig clientConfig;
    private final JedisPool pool;
    private final byte[] revKey;
    private final byte[] valKey;
    private final byte[] verKey;
    private final byte[] creKey;
    private final byte[] keysKey;
    private final byte[] logKey;
    private final byte[] historyLength;
    private final List<RedisWatch> watches = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    @Activate
    public RedisConfigStore(RedisStoreConfig config) {
        this(RedisOptions.of(config));
    }

    public RedisConfigStore(RedisOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.address = new HostAndPort(options.host(), options.port());
        this.clientConfig = clientConfig(options, options.socketTimeoutMs());
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(options.poolSize());
        poolConfig.setMaxIdle(options.poolSize());
        poolConfig.setMinIdle(0);
        poolConfig.setBlockWhenExhausted(true);
        poolConfig.setMaxWait(Duration.ofMillis((long) options.connectTimeoutMs() + options.socketTimeoutMs()));
        // PING every idle connection every few seconds: after a Redis restart the dead ones are gone before most
        // calls would meet them (a write on a dead connection fails and is not retried)
        poolConfig.setTestWhileIdle(true);
        poolConfig.setTimeBetweenEvictionRuns(Duration.ofSeconds(5));
        poolConfig.setNumTestsPerEvictionRun(-1);
        poolConfig.setJmxEnabled(false);
        this.pool = new JedisPool(poolConfig, address, clientConfig);
        String p = options.keyPrefix();
        this.revKey = bytes(p + "rev");
        this.valKey = bytes(p + "val");
        this.verKey = bytes(p + "ver");
        this.creKey = bytes(p + "cre");
        this.keysKey = bytes(p + "keys");
        this.logKey = bytes(p + "log");
        this.historyLength = bytes(Integer.toString(options.historyLength()));
        checkServer();
    }

    static JedisClientConfig clientConfig(RedisOptions o, int socketTimeoutMs) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(o.connectTimeoutMs())
                .socketTimeoutMillis(socketTimeoutMs)
                .blockingSocketTimeoutMillis(socketTimeoutMs)
                .database(o.database())
                .clientName("dockerera-store");
        if (o.user() != null) {
            b.user(o.user());
        }
        if (o.password() != null) {
            b.password(o.password());
        }
        if (o.tls()) {
            b.ssl(true).sslSocketFactory(Tls.socketFactory(o)).sslParameters(Tls.parameters(o));
        }
        return b.build();
    }

    /** Logs the revision, and warns when Redis does not fsync every write (acknowledged writes could be lost). */
    private void checkServer() {
        try (Jedis j = pool.getResource()) {
            long revision = parseLong(j.get(revKey));
            String durability;
            try {
                Map<String, String> conf = j.configGet("append*");
                String aof = conf.getOrDefault("appendonly", "?");
                String fsync = conf.getOrDefault("appendfsync", "?");
                durability = "appendonly " + aof + ", appendfsync " + fsync;
                if (!"yes".equals(aof) || !"always".equals(fsync)) {
                    LOG.warn("Redis at {} runs with {}: an acknowledged write can be lost when Redis crashes; "
                            + "set appendonly yes and appendfsync always", options.endpoint(), durability);
                }
            } catch (JedisDataException e) {
                durability = "durability unknown (CONFIG GET refused: " + e.getMessage() + ")";
            }
            LOG.info("Redis config store {} (prefix '{}') at revision {}; {}", options.endpoint(), options.keyPrefix(),
                    revision, durability);
        } catch (JedisException e) {
            LOG.warn("Redis config store {} cannot be reached yet; calls fail until it can: {}", options.endpoint(),
                    e.getMessage());
        }
    }

    @Deactivate
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RedisWatch w : watches) {
            w.close();
        }
        pool.close();
        LOG.info("Redis config store {} closed", options.endpoint());
    }

    // ----------------------------------------------------------------------------------------------- ConfigStore

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public Optional<Entry> get(String key) {
        checkKey(key);
        return call(true, j -> {
            List<?> r = (List<?>) eval(j, Scripts.GET, List.of(valKey, verKey, creKey), List.of(bytes(key)));
            if (r.get(0) == null) {
                return Optional.empty();
            }
            return Optional.of(new Entry(key, (byte[]) r.get(0), parseLong((byte[]) r.get(1)),
                    parseLong((byte[]) r.get(2))));
        });
    }

    @Override
    public Entry put(String key, byte[] value, long expectedVersion) {
        checkKey(key);
        Objects.requireNonNull(value, "value");
        checkExpected(expectedVersion);
        byte[] copy = value.clone();
        List<?> r = call(false, j -> (List<?>) eval(j, Scripts.PUT, writeKeys(),
                List.of(bytes(key), copy, bytes(Long.toString(expectedVersion)), historyLength)));
        if ((Long) r.get(0) == 0) {
            throw new CasConflictException(key, expectedVersion, (Long) r.get(1));
        }
        return new Entry(key, copy, (Long) r.get(1), (Long) r.get(2));
    }

    @Override
    public boolean delete(String key, long expectedVersion) {
        checkKey(key);
        checkExpected(expectedVersion);
        List<?> r = call(false, j -> (List<?>) eval(j, Scripts.DELETE, writeKeys(),
                List.of(bytes(key), bytes(Long.toString(expectedVersion)), historyLength)));
        long outcome = (Long) r.get(0);
        if (outcome == 0) {
            throw new CasConflictException(key, expectedVersion, (Long) r.get(1));
        }
        return outcome == 1;
    }

    @Override
    public List<Entry> list(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return call(true, j -> {
            List<?> r = (List<?>) eval(j, Scripts.LIST, List.of(keysKey, valKey, verKey, creKey),
                    List.of(bytes(prefix)));
            List<Entry> out = new ArrayList<>(r.size() / 4);
            for (int i = 0; i + 3 < r.size(); i += 4) {
                out.add(new Entry(new String((byte[]) r.get(i), UTF_8), (byte[]) r.get(i + 1),
                        parseLong((byte[]) r.get(i + 2)), parseLong((byte[]) r.get(i + 3))));
            }
            return out;
        });
    }

    @Override
    public long revision() {
        return call(true, j -> parseLong(j.get(revKey)));
    }

    @Override
    public ChangeBatch changes(String prefix, long afterRevision, int limit) {
        Objects.requireNonNull(prefix, "prefix");
        checkAfter(afterRevision);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, not " + limit);
        }
        return call(true, j -> changes(j, prefix, afterRevision, limit));
    }

    /** {@link #changes} on a given connection (a watch's own). */
    ChangeBatch changes(Jedis j, String prefix, long afterRevision, int limit) {
        List<?> r = (List<?>) eval(j, Scripts.CHANGES, List.of(revKey, logKey), List.of(
                bytes(Long.toString(afterRevision)), bytes(prefix), bytes(Integer.toString(limit)),
                bytes(Integer.toString(SCAN_BUDGET))));
        long current = (Long) r.get(1);
        if ((Long) r.get(0) == 0) {
            throw new HistoryGoneException(afterRevision, (Long) r.get(2), current);
        }
        long scanned = (Long) r.get(2);
        List<Change> out = new ArrayList<>((r.size() - 3) / 4);
        for (int i = 3; i + 3 < r.size(); i += 4) {
            long revision = (Long) r.get(i);
            String key = new String((byte[]) r.get(i + 1), UTF_8);
            boolean put = ((byte[]) r.get(i + 2))[0] == 'p';
            out.add(new Change(revision, key, put ? Change.Type.PUT : Change.Type.DELETE,
                    put ? (byte[]) r.get(i + 3) : null));
        }
        return new ChangeBatch(out, scanned);
    }

    @Override
    public Watch watch(String prefix, long afterRevision, ChangeListener listener) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        checkAfter(afterRevision);
        if (closed) {
            throw new StoreUnavailableException(BACKEND, "the store is closed", null);
        }
        RedisWatch w = new RedisWatch(this, prefix, afterRevision, listener,
                "dockerera-store-redis-watch-" + WATCH_IDS.incrementAndGet());
        watches.add(w);
        w.start();
        return w;
    }

    @Override
    public StoreHealth health() {
        try {
            if (closed) {
                return new StoreHealth(BACKEND, options.endpoint(), -1, false, "the store is closed");
            }
            long revision = call(true, j -> parseLong(j.get(revKey)));
            return new StoreHealth(BACKEND, options.endpoint(), revision, true, null);
        } catch (RuntimeException e) {
            return new StoreHealth(BACKEND, options.endpoint(), -1, false, describe(e));
        }
    }

    // ----------------------------------------------------------------------------------------------- internals

    RedisOptions options() {
        return options;
    }

    byte[] logKey() {
        return logKey;
    }

    /** A connection of its own for a watch: reads block up to {@code blockMs} longer than a call's. */
    Jedis newWatchConnection(int blockMs) {
        return new Jedis(address, clientConfig(options, options.socketTimeoutMs() + blockMs));
    }

    void forget(RedisWatch w) {
        watches.remove(w);
    }

    /** Drops the feed down to exactly {@code historyLength} entries now (XTRIM MAXLEN =), for tests. */
    void trimHistoryNow() {
        call(false, j -> j.sendCommand(redis.clients.jedis.Protocol.Command.XTRIM, logKey, bytes("MAXLEN"),
                bytes("="), historyLength));
    }

    private List<byte[]> writeKeys() {
        return List.of(revKey, valKey, verKey, creKey, keysKey, logKey);
    }

    static Object eval(Jedis j, Scripts.Script script, List<byte[]> keys, List<byte[]> args) {
        try {
            return j.evalsha(script.sha, keys, args);
        } catch (JedisNoScriptException e) {
            return j.eval(script.body, keys, args); // caches it for the next EVALSHA
        }
    }

    /**
     * Runs {@code action} on a pooled connection, turning every Redis failure into StoreUnavailableException.
     * {@code idempotent} calls are tried once more on a fresh connection after a connection failure.
     */
    private <T> T call(boolean idempotent, Function<Jedis, T> action) {
        if (closed) {
            throw new StoreUnavailableException(BACKEND, "the store is closed", null);
        }
        int attempts = idempotent ? 2 : 1;
        for (int attempt = 1; ; attempt++) {
            try (Jedis j = pool.getResource()) {
                return action.apply(j);
            } catch (JedisConnectionException e) {
                pool.clear(); // idle connections from before the failure are most likely dead too
                if (attempt >= attempts || closed) {
                    throw unavailable(e);
                }
            } catch (JedisException e) {
                throw unavailable(e);
            } catch (IllegalStateException e) {
                if (closed) { // the pool closed under the call
                    throw new StoreUnavailableException(BACKEND, "the store is closed", e);
                }
                throw e;
            }
        }
    }

    StoreUnavailableException unavailable(Throwable e) {
        return new StoreUnavailableException(BACKEND, options.endpoint() + ": " + describe(e), e);
    }

    static String describe(Throwable e) {
        Throwable t = e;
        String message = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
                if (!(t instanceof JedisException) || t.getCause() == null) {
                    break;
                }
            }
            t = t.getCause();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
    }

    private static void checkExpected(long expectedVersion) {
        if (expectedVersion < ANY_VERSION) {
            throw new IllegalArgumentException("expectedVersion must be a version, ABSENT (0) or ANY_VERSION (-1), not "
                    + expectedVersion);
        }
    }

    private static void checkAfter(long afterRevision) {
        if (afterRevision < 0) {
            throw new IllegalArgumentException("afterRevision must not be negative, not " + afterRevision);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    static long parseLong(byte[] b) {
        return b == null ? 0 : Long.parseLong(new String(b, UTF_8));
    }
}
