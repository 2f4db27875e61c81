package org.dockerera.rest.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/org.dockerera.rest.cfg}. */
@ObjectClassDefinition(id = RestComponent.PID, name = "dockerera REST API",
        description = "Sessions, event streams and request limits of /api")
@interface RestConfig {
    @AttributeDefinition(name = "Session idle timeout (minutes)",
            description = "A browser session expires after this many minutes without a request")
    long session_idle_minutes() default 720;

    @AttributeDefinition(name = "Session token re-check (seconds)",
            description = "How often a browser session confirms its token has not been revoked elsewhere")
    long session_recheck_seconds() default 60;

    @AttributeDefinition(name = "SSE heartbeat (seconds)",
            description = "Interval of the heartbeat comments on GET /api/events")
    long sse_heartbeat_seconds() default 15;

    @AttributeDefinition(name = "SSE queue limit",
            description = "Events a slow client may fall behind before its stream is closed")
    int sse_queue_limit() default 1000;

    @AttributeDefinition(name = "Largest request body (bytes)")
    int max_body_bytes() default 1048576;
}
