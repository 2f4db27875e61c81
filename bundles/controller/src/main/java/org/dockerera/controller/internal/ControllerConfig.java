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
}
