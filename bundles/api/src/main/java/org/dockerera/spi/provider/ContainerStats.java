package org.dockerera.spi.provider;

import java.time.Instant;

/**
 * A running container's resource use, as its engine samples it.
 *
 * @param read             when the engine took the sample
 * @param cpuPercent       CPU use over the engine's last sampling interval, in percent of one CPU (200 = two full
 *                         CPUs), as {@code docker stats} computes it
 * @param memoryBytes      memory in use, page cache that can be reclaimed left out (as {@code docker stats} shows it)
 * @param memoryLimitBytes the container's memory limit (the host's memory when it has none)
 */
public record ContainerStats(Instant read, double cpuPercent, long memoryBytes, long memoryLimitBytes) {
}
