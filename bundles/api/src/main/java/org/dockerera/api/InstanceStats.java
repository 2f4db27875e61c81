package org.dockerera.api;

/**
 * A running instance's resource use, as its host sampled it.
 *
 * @param cpuPercent       CPU use over the host's last sampling interval, in percent of one CPU (as {@code docker
 *                         stats} shows it: 200 is two busy CPUs)
 * @param memoryBytes      memory in use (reclaimable page cache left out)
 * @param memoryLimitBytes its memory limit (the host's memory when the app sets none)
 */
public record InstanceStats(double cpuPercent, long memoryBytes, long memoryLimitBytes) {
}
