package org.dockerera.api;

/**
 * How an instance's health is probed over HTTP on its published address. A new instance is probed every
 * {@link #startIntervalMs} until it is healthy, then every {@link #intervalMs}. 2xx and 3xx are healthy.
 *
 * @param path               HTTP path, default {@code /}
 * @param intervalMs         probe period once healthy, default 2000
 * @param timeoutMs          probe timeout, default 1000
 * @param healthyThreshold   consecutive successes to become healthy, default 1
 * @param unhealthyThreshold consecutive failures to become unhealthy, default 3
 * @param startIntervalMs    probe period while starting, default 250
 * @param startTimeoutMs     how long a new instance may take to become healthy, default 60000
 */
public record HealthCheck(String path, Integer intervalMs, Integer timeoutMs, Integer healthyThreshold,
                          Integer unhealthyThreshold, Integer startIntervalMs, Integer startTimeoutMs) {
    public static final HealthCheck DEFAULT = new HealthCheck("/", 2000, 1000, 1, 3, 250, 60000);

    public HealthCheck {
        if (path != null && !path.startsWith("/")) {
            throw DockereraException.invalid("invalid-health-check", "health.path must start with '/', got '" + path + "'");
        }
        positive("intervalMs", intervalMs);
        positive("timeoutMs", timeoutMs);
        positive("healthyThreshold", healthyThreshold);
        positive("unhealthyThreshold", unhealthyThreshold);
        positive("startIntervalMs", startIntervalMs);
        positive("startTimeoutMs", startTimeoutMs);
    }

    /** This check with every unset field taken from {@link #DEFAULT}. */
    public HealthCheck withDefaults() {
        HealthCheck d = DEFAULT;
        return new HealthCheck(path != null ? path : d.path, or(intervalMs, d.intervalMs), or(timeoutMs, d.timeoutMs),
                or(healthyThreshold, d.healthyThreshold), or(unhealthyThreshold, d.unhealthyThreshold),
                or(startIntervalMs, d.startIntervalMs), or(startTimeoutMs, d.startTimeoutMs));
    }

    private static Integer or(Integer v, Integer d) {
        return v != null ? v : d;
    }

    private static void positive(String name, Integer v) {
        if (v != null && v <= 0) {
            throw DockereraException.invalid("invalid-health-check", "health." + name + " must be positive, got " + v);
        }
    }
}
