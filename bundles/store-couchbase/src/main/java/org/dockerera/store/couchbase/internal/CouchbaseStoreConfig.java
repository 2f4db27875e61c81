package org.dockerera.store.couchbase.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/org.dockerera.store.couchbase.cfg}. A change reconnects the store. */
@ObjectClassDefinition(name = "dockerera Couchbase config store",
        description = "Config store on Couchbase key-value operations only (no N1QL, no DCP): CAS documents, a "
                + "revision counter, one change-log document per revision")
public @interface CouchbaseStoreConfig {
    String PID = "org.dockerera.store.couchbase";

    @AttributeDefinition(description = "Couchbase connection string: couchbase://host[,host…] (couchbases:// for "
            + "TLS); host:port names a key-value port")
    String connectionString() default "couchbase://127.0.0.1";

    @AttributeDefinition(description = "The bucket holding dockerera's documents (it may be shared: keys start "
            + "with keyPrefix)")
    String bucket() default "dockerera";

    @AttributeDefinition(description = "RBAC user name")
    String username() default "dockerera";

    @AttributeDefinition(description = "RBAC password", type = AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(description = "Connect with TLS (also implied by a couchbases:// connection string)")
    boolean tls() default false;

    @AttributeDefinition(description = "PEM file of the CA that signed the cluster's certificate; empty: the JVM's "
            + "trust store")
    String tlsCaFile() default "";

    @AttributeDefinition(description = "Milliseconds to bootstrap (reach the cluster and open the bucket)", min = "1")
    int connectTimeoutMillis() default Options.DEFAULT_CONNECT_TIMEOUT_MILLIS;

    @AttributeDefinition(description = "Milliseconds a key-value operation may take before the store counts as "
            + "unreachable", min = "1")
    int kvTimeoutMillis() default Options.DEFAULT_KV_TIMEOUT_MILLIS;

    @AttributeDefinition(description = "Prefix of every document id this store writes; two stores with different "
            + "prefixes share a bucket without seeing each other")
    String keyPrefix() default Options.DEFAULT_KEY_PREFIX;

    @AttributeDefinition(description = "How many of the most recent revisions the change feed keeps; a watcher "
            + "further behind re-lists (resync)", min = "1")
    int historyLength() default Options.DEFAULT_HISTORY_LENGTH;

    @AttributeDefinition(description = "Milliseconds between two polls of the revision counter by the watch thread",
            min = "1")
    int watchPollMillis() default Options.DEFAULT_WATCH_POLL_MILLIS;

    @AttributeDefinition(description = "Milliseconds a revision may stay without a finished change document (a "
            + "writer that died half-way) before readers settle it from the data document or record it as a no-op",
            min = "1")
    int reconcileGraceMillis() default Options.DEFAULT_RECONCILE_GRACE_MILLIS;

    @AttributeDefinition(description = "Longest back-off in milliseconds between two probes while Couchbase is "
            + "unreachable", min = "1")
    int maxBackoffMillis() default Options.DEFAULT_MAX_BACKOFF_MILLIS;
}
