package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;

/** {@code plugins}. */
final class Plugins {
    private Plugins() {
    }

    @Command(name = "plugins", description = "List the plugins at every plugin point (store, provider, strategy,"
            + " router, routes): bundle, version, whether in use, health")
    static final class List extends Cmd {
        @Override
        int run() {
            JsonNode points = api().get("/plugins");
            if (printedJson(points)) {
                return 0;
            }
            Table t = new Table("POINT", "NAME", "ACTIVE", "HEALTH", "BUNDLE", "VERSION");
            for (JsonNode p : points) {
                for (JsonNode i : p.path("implementations")) {
                    String health = i.path("health").asText();
                    t.row(p.path("point").asText(), i.path("name").asText(), i.path("active").asBoolean() ? "*" : "",
                            term().status(health), i.path("bundle").asText(),
                            i.path("version").asText());
                }
            }
            t.print(term());
            return 0;
        }
    }
}
