package org.dockerera.store.redis.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/org.dockerera.store.redis.cfg}. A change restarts the store (its connections and watches). */
@ObjectClassDefinition(name = "dockerera Redis config store",
        description = "The config store on a Redis server: one Lua script per write, the change feed in a Redis Stream")
public @interface RedisStoreConfig {
    String PID = "org.dockerera.store.redis";

    @AttributeDefinition(description = "The Redis server: redis://host:port[/db], or rediss://… for TLS. A password "
            + "may be given as redis://:secret@host:port but is better kept in 'password'")
    String uri() default RedisOptions.DEFAULT_URI;

    @AttributeDefinition(description = "ACL user name; empty: the default user")
    String user() default "";

    @AttributeDefinition(description = "Password (AUTH); empty: none", type = AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(description = "Database number; -1: the one in the uri (redis://host:port/N), else 0",
            min = "-1")
    int database() default -1;

    @AttributeDefinition(description = "Connect with TLS (also turned on by a rediss:// uri)")
    boolean tls() default false;

    @AttributeDefinition(description = "PEM file with the CA certificate(s) the server's certificate must chain to; "
            + "empty: tlsTruststore, else the JVM's trusted CAs")
    String tlsCaFile() default "";

    @AttributeDefinition(description = "PKCS#12 or JKS truststore, instead of tlsCaFile")
    String tlsTruststore() default "";

    @AttributeDefinition(description = "Password of tlsTruststore", type = AttributeType.PASSWORD)
    String tlsTruststorePassword() default "";

    @AttributeDefinition(description = "Check that the server's certificate names the host of the uri")
    boolean tlsVerifyHostname() default true;

    @AttributeDefinition(description = "Prefix of every Redis key the store uses; stores with different prefixes "
            + "share a database without seeing each other")
    String keyPrefix() default RedisOptions.DEFAULT_KEY_PREFIX;

    @AttributeDefinition(description = "How many of the most recent changes the change feed (a Redis Stream) keeps, "
            + "at least; trimmed approximately (XTRIM MAXLEN ~). A reader further behind re-lists (resync)", min = "1")
    int historyLength() default RedisOptions.DEFAULT_HISTORY_LENGTH;

    @AttributeDefinition(description = "Bound on opening a connection, ms", min = "1")
    int connectTimeoutMs() default RedisOptions.DEFAULT_CONNECT_TIMEOUT_MS;

    @AttributeDefinition(description = "Bound on waiting for an answer, ms: a call to an unreachable or hung Redis "
            + "fails with StoreUnavailableException after at most about this long", min = "1")
    int socketTimeoutMs() default RedisOptions.DEFAULT_SOCKET_TIMEOUT_MS;

    @AttributeDefinition(description = "Connections kept for calls (watches have one each)", min = "1")
    int poolSize() default RedisOptions.DEFAULT_POOL_SIZE;
}
