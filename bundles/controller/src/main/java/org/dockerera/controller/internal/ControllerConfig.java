package org.dockerera.controller.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/org.dockerera.controller.cfg}. */
@ObjectClassDefinition(name = "dockerera controller", description = "Hosts, monitor, secrets and bootstrap")
public @interface ControllerConfig {
    String PID = "org.dockerera.controller";

    @AttributeDefinition(description = "Cluster key file (AES-256), created on first start with mode 0600. "
            + "Empty: ${karaf.etc}/dockerera.key")
    String keyFile() default "";

    @AttributeDefinition(description = "Where the first admin token is written once. Empty: ${karaf.data}/dockerera/admin.token")
    String adminTokenFile() default "";

    @AttributeDefinition(description = "Milliseconds between heartbeats to each host")
    long heartbeatIntervalMs() default 2000;

    @AttributeDefinition(description = "A host with no successful heartbeat for this long is down")
    long downAfterMs() default 6000;

    @AttributeDefinition(description = "Bound on opening a connection to a host")
    long connectTimeoutMs() default 2000;

    @AttributeDefinition(description = "Bound on any single call to a host (heartbeats, adds, listings)")
    long callTimeoutMs() default 3000;

    @AttributeDefinition(description = "Register the local Docker daemon on first start when it answers")
    boolean autoRegisterLocal() default true;

    @AttributeDefinition(description = "URL of the local Docker daemon for auto-registration")
    String localDockerUrl() default "unix:///var/run/docker.sock";

    @AttributeDefinition(description = "Rolling deploys: how many new instances may be starting at once while old ones serve")
    int deployBatchSize() default 1;

    @AttributeDefinition(description = "Rolling deploys: how many instances may run above the wanted count (at least 1)")
    int deployMaxSurge() default 1;

    @AttributeDefinition(description = "Delay before the first restart of a crashed instance (doubled each time)")
    long restartBackoffMs() default 1000;

    @AttributeDefinition(description = "Longest delay between restarts of a crashed instance")
    long maxRestartBackoffMs() default 300000;

    @AttributeDefinition(description = "Every app is reconciled at least this often (milliseconds)")
    long resyncIntervalMs() default 2000;

    @AttributeDefinition(description = "Threads reconciling apps in parallel (one app is never reconciled twice at once)")
    int appWorkers() default 4;

    @AttributeDefinition(description = "A router that has not acknowledged for this long is stale and not waited for")
    long routerLeaseMs() default 10000;

    @AttributeDefinition(name = "logs.retained.lines", description = "Log lines kept per app of instances whose "
            + "containers were removed (replaced, failed, scaled down), so they survive a redeploy; the oldest "
            + "instances' lines go first. 0 keeps none")
    int logs_retained_lines() default 1000;

    @AttributeDefinition(name = "stats.timeout.ms", description = "How long an instance listing waits for the "
            + "hosts' CPU and memory samples (Docker needs 1-2 s for one); later answers serve the next listing")
    long stats_timeout_ms() default 2500;

    @AttributeDefinition(name = "runs.retained.minutes", description = "How long a finished one-off run and its "
            + "output stay readable")
    long runs_retained_minutes() default 10;

    @AttributeDefinition(name = "lease.ms", description = "Controllers sharing a store: the active one renews its "
            + "lease in the store every third of this; a standby takes over when it has not been renewed for this "
            + "long (milliseconds)")
    long lease_ms() default 10000;

    @AttributeDefinition(description = "The URL other controllers name when they refuse a change as standby. Empty: "
            + "http://<this host name>:<the HTTP port of the REST API>")
    String advertisedUrl() default "";
}
