package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import picocli.CommandLine.Command;

/**
 * Hidden: what the build runs once to record the AppCDS archive (the classes a typical call loads: picocli
 * parsing, Jackson, the HTTP client up to a refused connection, a table). Touches nothing outside the process.
 */
@Command(name = "__warmup", hidden = true)
final class Warmup extends Cmd {
    @Override
    int run() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Terminal quiet = new Terminal(sink, sink, false, false);
        JsonNode apps;
        try {
            apps = Api.JSON.readTree("[{\"name\":\"web.test\",\"type\":\"web\",\"instances\":2,\"activeRelease\":3,"
                    + "\"image\":\"127.0.0.1:5000/web:v2\",\"health\":{\"path\":\"/health\"}}]");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Table t = new Table("NAME", "TYPE", "INSTANCES", "RELEASE", "IMAGE");
        apps.forEach(a -> t.row(a.path("name").asText(), a.path("type").asText(), a.path("instances").asInt(),
                "v" + a.path("activeRelease").asText(), a.path("image").asText()));
        t.print(quiet);
        root.printJson(Api.JSON.createObjectNode());
        // parse and run a real command line against a port nothing listens on (loopback; refused at once)
        Dockerera.execute(quiet, Map.of("DOCKERERA_URL", "http://127.0.0.1:1", "DOCKERERA_TOKEN", "x",
                "DOCKERERA_CONFIG", "/nonexistent/dockerera-warmup"), "apps", "--app", "x");
        Dockerera.execute(quiet, Map.of(), "--help");
        return 0;
    }
}
