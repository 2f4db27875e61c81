package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code apps}, {@code apps:add}, {@code apps:info}, {@code apps:remove}. */
final class Apps {
    private Apps() {
    }

    @Command(name = "apps", description = "List the apps")
    static final class List extends Cmd {
        @Override
        int run() {
            JsonNode apps = api().get("/apps");
            if (printedJson(apps)) {
                return 0;
            }
            Table t = new Table("NAME", "TYPE", "INSTANCES", "RELEASE", "IMAGE");
            for (JsonNode a : apps) {
                t.row(a.path("name").asText(), a.path("type").asText(), a.path("instances").asInt(),
                        a.has("activeRelease") ? "v" + a.get("activeRelease").asText() : "-", Fmt.text(a, "image"));
            }
            t.print(term());
            return 0;
        }
    }

    @Command(name = "apps:add", description = "Create an app (a DNS name, also its default route host)")
    static final class Add extends Cmd {
        @Parameters(paramLabel = "NAME", arity = "0..1", description = "The app's name (default: --app)")
        String name;

        @Option(names = {"-i", "--instances"}, description = "Instances to run (default 1)")
        Integer instances;

        @Option(names = {"-p", "--port"}, description = "Port the app listens on in its container (default 8080)")
        Integer port;

        @Option(names = "--health-path", paramLabel = "PATH", description = "HTTP health check path (default /health)")
        String healthPath;

        @Option(names = "--start-timeout", paramLabel = "SECONDS",
                description = "How long a new instance may take to become healthy (default 60)")
        Integer startTimeout;

        @Option(names = "--type", description = "web (routed) or worker")
        String type;

        @Option(names = {"-c", "--constraint"}, paramLabel = "EXPR",
                description = "Placement constraint, e.g. env==prod, disk!=hdd, distinct-hosts (repeatable)")
        java.util.List<String> constraints;

        @Override
        int run() {
            String n = name != null ? name : app();
            ObjectNode body = Api.JSON.createObjectNode().put("name", n);
            if (instances != null) {
                body.put("instances", instances);
            }
            if (port != null) {
                body.put("port", port);
            }
            if (type != null) {
                body.put("type", type);
            }
            if (healthPath != null || startTimeout != null) {
                ObjectNode health = body.putObject("health");
                if (healthPath != null) {
                    health.put("path", healthPath);
                }
                if (startTimeout != null) {
                    health.put("startTimeoutMs", startTimeout * 1000L);
                }
            }
            if (constraints != null) {
                constraints.forEach(body.putArray("constraints")::add);
            }
            JsonNode a = api().post("/apps", body);
            if (printedJson(a)) {
                return 0;
            }
            println("Created app " + a.path("name").asText() + " (" + a.path("type").asText() + ", "
                    + a.path("instances").asInt() + " instance(s), port " + a.path("port").asInt()
                    + "); deploy it with `dockerera deploy IMAGE --app " + a.path("name").asText() + "`");
            return 0;
        }
    }

    @Command(name = "apps:info", description = "Show an app's settings")
    static final class Info extends Cmd {
        @Override
        int run() {
            JsonNode a = api().get(appPath());
            if (printedJson(a)) {
                return 0;
            }
            Table t = new Table("SETTING", "VALUE");
            a.fields().forEachRemaining(e -> t.row(e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
            t.print(term());
            return 0;
        }
    }

    @Command(name = "apps:remove", description = "Remove an app: its instances are drained and stopped")
    static final class Remove extends Cmd {
        @Parameters(paramLabel = "NAME", arity = "0..1", description = "The app's name (default: --app)")
        String name;

        @Option(names = "--confirm", paramLabel = "NAME", description = "The app's name again, to confirm")
        String confirm;

        @Override
        int run() {
            String n = name != null ? name : app();
            if (confirm == null) {
                if (!term().interactive()) {
                    throw CliException.usage("removing " + n + " needs --confirm " + n);
                }
                term().out().print("This removes " + n + " and stops its instances. Type its name to confirm: ");
                term().out().flush();
                try {
                    confirm = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                } catch (IOException e) {
                    confirm = null;
                }
            }
            if (!n.equals(confirm == null ? null : confirm.strip())) {
                throw CliException.usage("not confirmed: nothing removed (the confirmation must be " + n + ")");
            }
            JsonNode d = api().delete(Dockerera.appPath(n));
            println("Removing " + n + " (deploy " + d.path("id").asText() + "): its instances drain and stop");
            return 0;
        }
    }
}
