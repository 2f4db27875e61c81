package org.dockerera.store.facade.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/org.dockerera.store.cfg}: which backend holds dockerera's state. A migration rewrites it. */
@ObjectClassDefinition(name = "dockerera config store",
        description = "Which config store backend is active; change it with dockerera:store-migrate (which copies the"
                + " state) rather than by hand (which switches to whatever the other backend holds)")
public @interface StoreSelection {
    String PID = "org.dockerera.store";

    @AttributeDefinition(description = "Backend name: embedded, redis, couchbase … (its feature must be installed)")
    String backend() default "embedded";
}
