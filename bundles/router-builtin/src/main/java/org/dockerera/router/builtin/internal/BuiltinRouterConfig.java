package org.dockerera.router.builtin.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/org.dockerera.router.builtin.cfg}. */
@ObjectClassDefinition(name = "dockerera built-in router", description = "The built-in HTTP reverse proxy")
public @interface BuiltinRouterConfig {
    String PID = "org.dockerera.router.builtin";

    @AttributeDefinition(description = "Address to listen on (0.0.0.0: all)")
    String listenHost() default "0.0.0.0";

    @AttributeDefinition(description = "Port to listen on")
    int port() default 8080;

    @AttributeDefinition(description = "HTTPS port (certificates uploaded per host name, picked by SNI); "
            + "-1: no HTTPS listener (and no redirects to HTTPS)")
    int httpsPort() default 8443;

    @AttributeDefinition(description = "Port named in redirects to HTTPS when clients reach the HTTPS listener "
            + "through another port (443 behind a port forward); 0: httpsPort")
    int httpsRedirectPort() default 0;

    @AttributeDefinition(description = "URL where traffic reaches this router, registered with the controller. "
            + "Empty: http://<listenHost or the host's address>:<port>")
    String advertisedUrl() default "";

    @AttributeDefinition(description = "Event loops (threads) serving clients and backends; 0: one per CPU")
    int ioThreads() default 0;

    @AttributeDefinition(description = "Bound on connecting to an instance, ms")
    long connectTimeoutMs() default 2000;

    @AttributeDefinition(description = "Bound on waiting for the first response byte once the request is sent, ms "
            + "(0: none); then 504")
    long responseTimeoutMs() default 60000;

    @AttributeDefinition(description = "Idle keep-alive connections (clients and instances) close after this, ms")
    long idleTimeoutMs() default 60000;

    @AttributeDefinition(description = "An instance failing this many connections in a row is skipped for a while")
    int ejectAfterFailures() default 3;

    @AttributeDefinition(description = "How long an ejected instance is skipped, ms")
    long ejectForMs() default 5000;

    @AttributeDefinition(description = "round-robin or least-requests")
    String balance() default "round-robin";
}
