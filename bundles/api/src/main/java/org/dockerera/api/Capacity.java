package org.dockerera.api;

/**
 * Schedulable capacity of a host. Either field may be null: the engine's own figure is used then.
 *
 * @param cpus        number of CPUs offered to placement
 * @param memoryBytes memory offered to placement, in bytes
 */
public record Capacity(Double cpus, Long memoryBytes) {
    public Capacity {
        if (cpus != null && !(cpus > 0)) {
            throw DockereraException.invalid("invalid-capacity", "capacity.cpus must be a positive number, got " + cpus);
        }
        if (memoryBytes != null && memoryBytes <= 0) {
            throw DockereraException.invalid("invalid-capacity", "capacity.memoryBytes must be positive, got " + memoryBytes);
        }
    }
}
