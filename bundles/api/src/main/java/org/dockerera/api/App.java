package org.dockerera.api;

import java.time.Instant;
import java.util.List;

/**
 * An app with every setting resolved (defaults applied) and its current release.
 *
 * @param activeRelease version of the release serving now, null before the first successful deploy
 * @param image         image of the active release, null before the first deploy
 */
public record App(String name, int instances, ProcessType type, int port, List<String> command, HealthCheck health,
                  Resources resources, String restartPolicy, int drainTimeoutMs, int stopTimeoutMs,
                  List<String> constraints, Integer activeRelease, String image, Instant created, Instant updated) {
    public static final int DEFAULT_INSTANCES = 2;
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_DRAIN_TIMEOUT_MS = 2000;
    public static final int DEFAULT_STOP_TIMEOUT_MS = 10000;
    public static final String DEFAULT_RESTART_POLICY = "on-failure";

    public App {
        command = command == null ? List.of() : List.copyOf(command);
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
    }

    /** A new app from a spec, defaults applied. */
    public static App create(AppSpec s, Instant now) {
        return new App(s.name(), s.instances() != null ? s.instances() : DEFAULT_INSTANCES,
                s.type() != null ? s.type() : ProcessType.WEB, s.port() != null ? s.port() : DEFAULT_PORT,
                s.command(), (s.health() != null ? s.health() : HealthCheck.DEFAULT).withDefaults(),
                s.resources() != null ? s.resources() : Resources.NONE,
                s.restartPolicy() != null ? s.restartPolicy() : DEFAULT_RESTART_POLICY,
                s.drainTimeoutMs() != null ? s.drainTimeoutMs() : DEFAULT_DRAIN_TIMEOUT_MS,
                s.stopTimeoutMs() != null ? s.stopTimeoutMs() : DEFAULT_STOP_TIMEOUT_MS,
                s.constraints(), null, null, now, now);
    }

    /** This app with the fields a patch sets replaced. */
    public App patch(AppSpec p, Instant now) {
        if (p.name() != null && !p.name().equals(name)) {
            throw DockereraException.invalid("invalid-app-name", "an app cannot be renamed (" + name + " -> " + p.name()
                    + "); create a new app instead");
        }
        return new App(name, p.instances() != null ? p.instances() : instances, p.type() != null ? p.type() : type,
                p.port() != null ? p.port() : port, p.command() != null ? p.command() : command,
                p.health() != null ? p.health().withDefaults() : health,
                p.resources() != null ? p.resources() : resources,
                p.restartPolicy() != null ? p.restartPolicy() : restartPolicy,
                p.drainTimeoutMs() != null ? p.drainTimeoutMs() : drainTimeoutMs,
                p.stopTimeoutMs() != null ? p.stopTimeoutMs() : stopTimeoutMs,
                p.constraints() != null ? p.constraints() : constraints, activeRelease, image, created, now);
    }
}
