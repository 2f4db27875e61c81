package org.dockerera.provider.docker.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/org.dockerera.provider.docker.cfg} */
@ObjectClassDefinition(name = "dockerera Docker provider",
        description = "Provider-wide defaults for talking to Docker Engine hosts")
@interface DockerProviderConfig {

    @AttributeDefinition(description = "Bound on opening a connection to a host, in ms, for hosts that leave it at "
            + "the built-in default (2000)")
    long connectTimeoutMs() default 2000;

    @AttributeDefinition(description = "Bound on any single call to a host, in ms, for hosts that leave it at the "
            + "built-in default (5000)")
    long callTimeoutMs() default 5000;

    @AttributeDefinition(description = "Bound on an image pull, in ms, for hosts that leave it at the built-in "
            + "default (300000)")
    long pullTimeoutMs() default 300000;

    @AttributeDefinition(description = "Calls one host may run at once; more wait in a queue (within their deadline)")
    int maxConcurrentCallsPerHost() default 8;
}
