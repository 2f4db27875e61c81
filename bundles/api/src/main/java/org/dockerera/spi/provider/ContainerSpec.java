package org.dockerera.spi.provider;

import java.util.List;
import java.util.Map;

/**
 * A container to create.
 *
 * @param name          container name, or null for the engine's choice
 * @param image         image reference
 * @param command       command override, or null/empty for the image's
 * @param env           environment
 * @param labels        labels (dockerera marks its containers with {@code org.dockerera.*})
 * @param containerPort a port to publish on {@code hostIp} at a random host port, or null
 * @param hostIp        where published ports bind
 * @param memoryBytes   memory limit, or null
 * @param cpus          CPU limit, or null
 * @param restartPolicy {@code no}, {@code on-failure}, {@code always}, {@code unless-stopped}, or null
 */
public record ContainerSpec(String name, String image, List<String> command, Map<String, String> env,
                            Map<String, String> labels, Integer containerPort, String hostIp, Long memoryBytes,
                            Double cpus, String restartPolicy) {
    public ContainerSpec {
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
