package org.dockerera.spi.provider;

import java.util.List;
import java.util.Map;

/**
 * A container to create.
 *
 * @param name          container name, or null for the engine's choice
 * @param image         image reference
 * @param command       command override (the image's {@code CMD}), or null/empty for the image's
 * @param env           environment
 * @param labels        labels (dockerera marks its containers with {@code org.dockerera.*})
 * @param containerPort a port to publish on {@code hostIp} at a random host port, or null
 * @param hostIp        where published ports bind
 * @param memoryBytes   memory limit, or null
 * @param cpus          CPU limit, or null
 * @param restartPolicy {@code no}, {@code on-failure}, {@code always}, {@code unless-stopped}, or null
 * @param entrypoint    entrypoint override (the image's {@code ENTRYPOINT}), or null/empty for the image's
 */
public record ContainerSpec(String name, String image, List<String> command, Map<String, String> env,
                            Map<String, String> labels, Integer containerPort, String hostIp, Long memoryBytes,
                            Double cpus, String restartPolicy, List<String> entrypoint) {
    public ContainerSpec {
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
    }

    /** A container with the image's entrypoint. */
    public ContainerSpec(String name, String image, List<String> command, Map<String, String> env,
                         Map<String, String> labels, Integer containerPort, String hostIp, Long memoryBytes,
                         Double cpus, String restartPolicy) {
        this(name, image, command, env, labels, containerPort, hostIp, memoryBytes, cpus, restartPolicy, null);
    }
}
