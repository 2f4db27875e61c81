package org.dockerera.api;

import java.time.Instant;
import java.util.List;

/**
 * A one-off command run in a container of an app's active release (its image and environment), like Heroku's
 * {@code run}: a migration, a console, a report.
 *
 * @param id       run id
 * @param app      app name
 * @param release  the release whose image and environment it uses
 * @param image    that image, pinned to its digest
 * @param host     id of the host it runs on
 * @param command  what it runs: the first element is the entrypoint, the rest its arguments
 * @param status   running or exited
 * @param exitCode its exit code once exited; null while running (or when the host could not tell)
 * @param created  when it was started
 * @param finished when it exited, null while running
 */
public record Run(String id, String app, int release, String image, String host, List<String> command,
                  RunStatus status, Integer exitCode, Instant created, Instant finished) {
    public Run {
        command = command == null ? List.of() : List.copyOf(command);
    }
}
