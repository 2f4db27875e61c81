package org.dockerera.scheduler.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/org.dockerera.scheduler.cfg}. */
@ObjectClassDefinition(name = "dockerera scheduler", description = "Placement of app instances on hosts")
public @interface SchedulerConfig {
    String PID = "org.dockerera.scheduler";

    @AttributeDefinition(description = "The strategy ranking feasible hosts: spread (least loaded first), binpack (most "
            + "loaded that fits first), random, or the dockerera.strategy name of any installed PlacementStrategy. "
            + "Applies to the next placement, without a restart")
    String strategy() default SpreadStrategy.NAME;
}
