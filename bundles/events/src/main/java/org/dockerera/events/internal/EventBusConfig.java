package org.dockerera.events.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/org.dockerera.events.cfg}. */
@ObjectClassDefinition(name = "dockerera event bus",
        description = "Publishing events into the dockerera Camel context, and the operators' route files")
public @interface EventBusConfig {
    String PID = "org.dockerera.events";

    @AttributeDefinition(name = "Publish queue size", min = "1",
            description = "Events accepted but not yet handed to seda:dockerera-events. When full, publish drops the"
                    + " event (logged and counted) rather than block the caller.")
    int publishQueueSize() default 10_000;

    @AttributeDefinition(name = "Routes directory", required = false,
            description = "Where operators' Camel route files (*.yaml, *.yml, *.xml) are loaded from, live: added,"
                    + " replaced on change, removed on delete. Empty: ${karaf.etc}/dockerera/routes.")
    String routesDirectory() default "";
}
