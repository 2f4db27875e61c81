package org.dockerera.events.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/org.dockerera.events.cfg}. */
@ObjectClassDefinition(name = "dockerera event bus", description = "Publishing events into the dockerera Camel context")
public @interface EventBusConfig {
    String PID = "org.dockerera.events";

    @AttributeDefinition(name = "Publish queue size", min = "1",
            description = "Events accepted but not yet handed to seda:dockerera-events. When full, publish drops the"
                    + " event (logged and counted) rather than block the caller.")
    int publishQueueSize() default 10_000;
}
