package org.dockerera.api;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An app's settings as posted ({@code POST /api/apps}: all but {@code name} optional) or patched
 * ({@code PATCH /api/apps/{app}}: only the fields given change). Values are checked here; constraints are parsed by
 * the scheduler's {@code Constraint}.
 *
 * @param name           DNS-style name ({@code my.app.com}); also the default route host
 * @param instances      how many instances (0 = stopped), default 2
 * @param type           {@code web} (routed, default) or {@code worker}
 * @param port           the port the app listens on inside its container, default 8080
 * @param command        command and arguments overriding the image's
 * @param health         health check
 * @param resources      CPU/memory requests and limits per instance
 * @param restartPolicy  {@code no}, {@code on-failure} (default), {@code always}, {@code unless-stopped}
 * @param drainTimeoutMs time an instance stays out of routing before SIGTERM, default 2000
 * @param stopTimeoutMs  time from SIGTERM to SIGKILL, default 10000
 * @param constraints    placement constraints ({@code env==prod}, {@code disk!=hdd}, {@code distinct-hosts})
 */
public record AppSpec(String name, Integer instances, ProcessType type, Integer port, List<String> command,
                      HealthCheck health, Resources resources, String restartPolicy, Integer drainTimeoutMs,
                      Integer stopTimeoutMs, List<String> constraints) {
    /** Lower-case DNS labels separated by dots, 1-253 characters. */
    public static final Pattern NAME = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    public static final Set<String> RESTART_POLICIES = Set.of("no", "on-failure", "always", "unless-stopped");

    public AppSpec {
        if (name != null && !NAME.matcher(name).matches()) {
            throw DockereraException.invalid("invalid-app-name", "app name '" + name + "' must be a DNS name such as "
                    + "my.app.com: lower-case letters, digits and '-', dot-separated labels");
        }
        if (instances != null && instances < 0) {
            throw DockereraException.invalid("invalid-instances", "instances must be 0 or more, got " + instances);
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw DockereraException.invalid("invalid-port", "port must be 1-65535, got " + port);
        }
        if (restartPolicy != null && !RESTART_POLICIES.contains(restartPolicy)) {
            throw DockereraException.invalid("invalid-restart-policy", "restartPolicy must be one of no, on-failure, "
                    + "always, unless-stopped; got '" + restartPolicy + "'");
        }
        if (drainTimeoutMs != null && drainTimeoutMs < 0 || stopTimeoutMs != null && stopTimeoutMs < 0) {
            throw DockereraException.invalid("invalid-timeout", "drainTimeoutMs and stopTimeoutMs must be 0 or more");
        }
        command = command == null ? null : List.copyOf(command);
        constraints = constraints == null ? null : List.copyOf(constraints);
    }

    public static AppSpec named(String name) {
        return new AppSpec(name, null, null, null, null, null, null, null, null, null, null);
    }
}
