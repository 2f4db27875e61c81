package org.dockerera.api;

/**
 * Per-instance CPU and memory. Requests are what placement reserves on a host; limits are enforced by the engine.
 * Any field may be null (no request / no limit).
 */
public record Resources(Double cpuRequest, Long memoryRequest, Double cpuLimit, Long memoryLimit) {
    public static final Resources NONE = new Resources(null, null, null, null);

    public Resources {
        if (cpuRequest != null && cpuRequest < 0 || cpuLimit != null && cpuLimit <= 0) {
            throw DockereraException.invalid("invalid-resources", "CPU requests must be >= 0 and limits > 0");
        }
        if (memoryRequest != null && memoryRequest < 0 || memoryLimit != null && memoryLimit <= 0) {
            throw DockereraException.invalid("invalid-resources", "memory requests must be >= 0 and limits > 0 (bytes)");
        }
        if (cpuRequest != null && cpuLimit != null && cpuRequest > cpuLimit
                || memoryRequest != null && memoryLimit != null && memoryRequest > memoryLimit) {
            throw DockereraException.invalid("invalid-resources", "a request cannot exceed its limit");
        }
    }
}
