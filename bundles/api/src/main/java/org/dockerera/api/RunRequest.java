package org.dockerera.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What to run once.
 *
 * @param command the command: its first element replaces the image's entrypoint, the rest are its arguments
 * @param env     variables set over the app's environment (its secrets included); may be null
 */
public record RunRequest(List<String> command, Map<String, String> env) {
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    public static final int MAX_ARGS = 1000;

    public RunRequest {
        command = command == null ? null : Collections.unmodifiableList(new ArrayList<>(command));
        env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /**
     * Checks the request.
     *
     * @throws DockereraException 422 {@code invalid-request} naming what is wrong
     */
    public RunRequest validate() {
        if (command == null || command.isEmpty()) {
            throw invalid("'command' is required: a non-empty array of strings, the program first, e.g. "
                    + "[\"/app\", \"migrate\"]");
        }
        if (command.size() > MAX_ARGS) {
            throw invalid("'command' has " + command.size() + " elements; at most " + MAX_ARGS);
        }
        for (int i = 0; i < command.size(); i++) {
            if (command.get(i) == null) {
                throw invalid("command[" + i + "] is null; every element must be a string");
            }
        }
        if (command.get(0).isBlank()) {
            throw invalid("command[0], the program to run, is empty");
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey() == null || !KEY.matcher(e.getKey()).matches()) {
                throw invalid("environment variable name '" + e.getKey() + "' must be letters, digits and '_', "
                        + "not starting with a digit");
            }
            if (e.getValue() == null) {
                throw invalid("environment variable " + e.getKey() + " needs a string value");
            }
        }
        return this;
    }

    private static DockereraException invalid(String detail) {
        return DockereraException.invalid("invalid-request", detail);
    }
}
