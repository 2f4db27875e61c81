package org.dockerera.api.events;

import java.time.Instant;
import java.util.List;

/**
 * What became of one route file in the routes directory ({@code etc/dockerera/routes/} by default).
 *
 * @param file   the file's name in the directory
 * @param state  {@value #LOADED}: all its routes run; {@value #FAILED}: its last version could not be loaded (none of
 *               that version's routes runs; a previous version that loaded keeps running, see {@code routes})
 * @param routes the ids of the routes running from this file now (for a failed file: those of its previous good
 *               version, if any, else none)
 * @param line   for a failed file, the line (1-based) the error is on, when it is known; else null
 * @param column for a failed file, the column (1-based), when it is known; else null
 * @param reason for a failed file, what went wrong; else null
 * @param time   when it was last loaded or failed
 */
public record RouteFileStatus(String file, String state, List<String> routes, Integer line, Integer column,
                              String reason, Instant time) {
    public static final String LOADED = "loaded";
    public static final String FAILED = "failed";

    public RouteFileStatus {
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    public boolean failed() {
        return FAILED.equals(state);
    }
}
