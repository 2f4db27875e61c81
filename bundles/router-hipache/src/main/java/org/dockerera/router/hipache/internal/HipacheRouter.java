package org.dockerera.router.hipache.internal;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dockerera.spi.router.RouteTable;
import org.dockerera.spi.router.RouterBackend;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A router backend ({@code dockerera.router=hipache}) that serves the route table by writing it to a Redis in
 * Hipache's format ({@link HipacheFormat}), for Hipache or any proxy that reads the same keys. Each table is one
 * MULTI/EXEC transaction (a proxy reading Redis sees the old table or the new one, never a mix): it rewrites every
 * frontend of the table, deletes the frontends of earlier tables that are gone, and records the frontends it wrote in
 * a set of its own ({@code ownedSet}), so it never touches a key it did not write; a concurrent change of that set
 * (another dockerera writing the same Redis) makes it start over. {@link #apply} returns once Redis has answered the
 * EXEC, which is when Hipache serves the table (it reads Redis per request, with a short cache of its own).
 */
@Component(service = RouterBackend.class, property = RouterBackend.PROPERTY + "=" + HipacheRouter.TYPE,
        configurationPid = HipacheRouter.Config.PID)
@Designate(ocd = HipacheRouter.Config.class)
public class HipacheRouter implements RouterBackend {
    static final String TYPE = "hipache";
    private static final Logger LOG = LoggerFactory.getLogger(HipacheRouter.class);
    private static final int ATTEMPTS = 5;

    /** {@code etc/org.dockerera.router.hipache.cfg}. */
    @ObjectClassDefinition(name = "dockerera Hipache router",
            description = "Writes the route table to Redis in Hipache's format (frontend:HOST lists)")
    public @interface Config {
        String PID = "org.dockerera.router.hipache";

        @AttributeDefinition(description = "The Redis that Hipache reads: redis://host:port[/db] (rediss:// for TLS)")
        String uri() default "redis://127.0.0.1:6379";

        @AttributeDefinition(description = "Database number; -1: the one in the uri, else 0", min = "-1")
        int database() default -1;

        @AttributeDefinition(description = "AUTH password; empty: none", type = AttributeType.PASSWORD)
        String password() default "";

        @AttributeDefinition(description = "The Redis set listing the frontends this router wrote (only those are "
                + "ever changed or deleted)")
        String ownedSet() default "dockerera:hipache:frontends";

        @AttributeDefinition(description = "Where Hipache takes traffic (registered with the controller)")
        String advertisedUrl() default "http://127.0.0.1:80";

        @AttributeDefinition(description = "Bound on connecting and on each answer, ms", min = "1")
        int timeoutMs() default 2000;
    }

    private JedisPool pool;
    private String endpoint;
    private String ownedSet;
    private String epochKey;
    private String url;
    private volatile long served;
    private volatile int frontends;

    @Activate
    void activate(Config c) {
        URI uri = URI.create(c.uri().trim());
        String scheme = String.valueOf(uri.getScheme());
        if (!scheme.equals("redis") && !scheme.equals("rediss") || uri.getHost() == null) {
            throw new IllegalArgumentException("uri must be redis://host:port[/db] or rediss://…, not "
                    + c.uri().replaceAll("//[^@/]*@", "//***@"));
        }
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        int database = c.database() >= 0 ? c.database()
                : uri.getPath() == null || uri.getPath().length() <= 1 ? 0 : Integer.parseInt(uri.getPath().substring(1));
        String password = c.password().isEmpty() && uri.getUserInfo() != null
                ? uri.getUserInfo().substring(uri.getUserInfo().indexOf(':') + 1) : c.password();
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().connectionTimeoutMillis(c.timeoutMs())
                .socketTimeoutMillis(c.timeoutMs()).database(database).clientName("dockerera-router-hipache")
                .ssl(scheme.equals("rediss"));
        if (!password.isEmpty()) {
            b.password(password);
        }
        org.apache.commons.pool2.impl.GenericObjectPoolConfig<Jedis> poolConfig =
                new org.apache.commons.pool2.impl.GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(4);
        poolConfig.setMaxWait(java.time.Duration.ofMillis(2L * c.timeoutMs()));
        poolConfig.setJmxEnabled(false);
        pool = new JedisPool(poolConfig, new HostAndPort(uri.getHost(), port), b.build());
        endpoint = scheme + "://" + uri.getHost() + ":" + port + "/" + database;
        ownedSet = c.ownedSet();
        epochKey = c.ownedSet() + ":epoch";
        url = c.advertisedUrl();
        LOG.info("Hipache router writes frontends to {} (owned set {}), traffic at {}", endpoint, ownedSet, url);
    }

    @Deactivate
    void deactivate() {
        if (pool != null) {
            pool.close();
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public synchronized void apply(RouteTable table) {
        if (table.epoch() < served) {
            return;
        }
        Map<String, List<String>> rendered = HipacheFormat.render(table);
        for (int attempt = 1; ; attempt++) {
            try (Jedis j = pool.getResource()) {
                if (write(j, table.epoch(), rendered)) {
                    break;
                }
                if (attempt >= ATTEMPTS) {
                    throw new IllegalStateException("cannot apply epoch " + table.epoch() + " to " + endpoint + ": "
                            + ownedSet + " kept changing under it (another writer?)");
                }
            } catch (JedisException e) {
                pool.clear();
                throw new IllegalStateException("cannot apply epoch " + table.epoch() + " to Redis " + endpoint
                        + ": " + e.getMessage(), e);
            }
        }
        served = table.epoch();
        frontends = rendered.size();
        LOG.debug("Hipache frontends at epoch {}: {}", table.epoch(), rendered.size());
    }

    /** One transaction; false when the owned set changed meanwhile (nothing was written). */
    private boolean write(Jedis j, long epoch, Map<String, List<String>> rendered) {
        j.watch(ownedSet);
        Set<String> stale = new HashSet<>(j.smembers(ownedSet));
        stale.removeAll(rendered.keySet());
        Transaction tx = j.multi();
        for (String key : stale) {
            tx.del(key);
        }
        for (Map.Entry<String, List<String>> e : rendered.entrySet()) {
            tx.del(e.getKey());
            tx.rpush(e.getKey(), e.getValue().toArray(String[]::new));
        }
        tx.del(ownedSet);
        if (!rendered.isEmpty()) {
            tx.sadd(ownedSet, rendered.keySet().toArray(String[]::new));
        }
        tx.set(epochKey, Long.toString(epoch));
        return tx.exec() != null;
    }

    @Override
    public long servedEpoch() {
        return served;
    }

    @Override
    public Health health() {
        try (Jedis j = pool.getResource()) {
            j.ping();
            return new Health(true, endpoint + ": " + frontends + " frontend(s), epoch " + served);
        } catch (RuntimeException e) {
            return new Health(false, "Redis " + endpoint + " does not answer: " + e.getMessage());
        }
    }

    /** Hipache keeps no per-app counters that dockerera could read. */
    @Override
    public Map<String, AppStats> stats() {
        return Map.of();
    }
}
