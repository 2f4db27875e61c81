package org.dockerera.router.agent.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/org.dockerera.router.agent.cfg}. */
@ObjectClassDefinition(name = "dockerera router agent", description = "Feeds the router backends the route table")
public @interface AgentConfig {
    String PID = "org.dockerera.router.agent";

    @AttributeDefinition(description = "The controller's base URL (http://controller:8181). Empty: the controller in "
            + "this Karaf, through its services")
    String controllerUrl() default "";

    @AttributeDefinition(description = "File holding a router-scoped token (for a remote controller)")
    String tokenFile() default "";

    @AttributeDefinition(description = "First delay before following again after the feed broke (doubles, up to 10 s)")
    long retryMs() default 500;

    @AttributeDefinition(description = "Bound on each call to a remote controller")
    long timeoutMs() default 5000;
}
