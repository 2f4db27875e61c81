package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code store}, {@code store:migrate}. */
final class Store {
    private Store() {
    }

    @Command(name = "store", description = "Show the config store backends: which is active, revision, health")
    static final class Info extends Cmd {
        @Override
        int run() {
            JsonNode s = api().get("/store");
            if (printedJson(s)) {
                return 0;
            }
            Table t = new Table("BACKEND", "ACTIVE", "ENDPOINT", "REVISION", "HEALTH");
            for (JsonNode b : s.path("backends")) {
                JsonNode st = b.path("status");
                t.row(b.path("name").asText(), b.path("active").asBoolean() ? "*" : "", st.path("endpoint").asText(),
                        st.path("revision").asText(), term().status(st.path("health").asText()));
            }
            t.print(term());
            return 0;
        }
    }

    @Command(name = "store:migrate", description = "Copy all state to another config store backend and switch to it"
            + " (writes pause for the copy; routers keep serving)")
    static final class Migrate extends Cmd {
        @Parameters(paramLabel = "BACKEND", description = "embedded, redis, couchbase …")
        String to;

        @Option(names = "--force", description = "Replace keys the target already holds")
        boolean force;

        @Override
        int run() {
            JsonNode m = api().post("/store/migrate", Api.JSON.createObjectNode().put("to", to).put("force", force));
            if (printedJson(m)) {
                return 0;
            }
            println("Moved " + m.path("keys").asLong() + " keys from " + m.path("from").asText() + " to "
                    + m.path("to").asText() + " (writes paused " + m.path("fencedMs").asLong() + " ms); "
                    + m.path("to").asText() + " is active");
            return 0;
        }
    }
}
