package org.dockerera.spi.provider;

/**
 * What a host's engine says of itself.
 *
 * @param engineId          the engine's id
 * @param name              its host name
 * @param version           the engine version
 * @param apiVersion        the Engine API version
 * @param cpus              CPUs
 * @param memoryBytes       memory in bytes
 * @param containersRunning running containers
 * @param containers        all containers
 */
public record EngineInfo(String engineId, String name, String version, String apiVersion, int cpus, long memoryBytes,
                         int containersRunning, int containers) {
}
