package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ps}, {@code logs}, {@code run}. */
final class Processes {
    private Processes() {
    }

    @Command(name = "ps", description = "List the app's instances with their health, CPU and memory")
    static final class Ps extends Cmd {
        @Override
        int run() {
            JsonNode is = api().get(appPath() + "/instances");
            if (printedJson(is)) {
                return 0;
            }
            Table t = new Table("ID", "RELEASE", "HOST", "ADDRESS", "STATE", "SINCE", "CPU", "MEMORY");
            for (JsonNode i : is) {
                JsonNode s = i.path("stats");
                t.row(i.path("id").asText(), "v" + i.path("release").asText(), i.path("hostId").asText(),
                        Fmt.text(i, "address"), term().status(i.path("state").asText()), Fmt.ago(Fmt.text(i, "since")),
                        s.isObject() ? String.format(Locale.ROOT, "%.1f%%", s.path("cpuPercent").asDouble()) : "",
                        s.isObject() ? Fmt.bytes(s.path("memoryBytes").asLong()) : "");
            }
            t.print(term());
            return 0;
        }
    }

    @Command(name = "logs", description = "Show the app's logs, every instance merged by time (-f follows)")
    static final class Logs extends Cmd {
        @Option(names = {"-f", "--follow"}, description = "Keep streaming new lines (new instances included)")
        boolean follow;

        @Option(names = {"-n", "--tail"}, paramLabel = "N", description = "Last N lines (default 100)")
        Integer tail;

        @Option(names = "--since", paramLabel = "WHEN", description = "Only lines since an instant (ISO-8601) or a"
                + " duration ago (10m, 2h)")
        String since;

        @Option(names = "--instance", paramLabel = "ID", description = "Only this instance's lines")
        String instance;

        @Override
        int run() {
            StringBuilder q = new StringBuilder();
            if (tail != null) {
                q.append("&tail=").append(tail);
            }
            if (since != null) {
                q.append("&since=").append(Api.seg(since));
            }
            if (instance != null) {
                q.append("&instance=").append(Api.seg(instance));
            }
            String path = appPath() + "/logs" + (q.length() == 0 ? "" : "?" + q.substring(1));
            if (!follow) {
                JsonNode lines = api().get(path);
                if (printedJson(lines)) {
                    return 0;
                }
                lines.forEach(this::print);
                return 0;
            }
            api().stream(path, null, e -> {
                if ("log".equals(e.event())) {
                    JsonNode l = e.json();
                    if (json()) {
                        println(l.toString());
                    } else {
                        print(l);
                    }
                }
                return true;
            });
            return 0;
        }

        private void print(JsonNode l) {
            String text = l.path("line").asText();
            term().out().println(term().dim(l.path("time").asText()) + " " + l.path("instance").asText() + ": "
                    + ("stderr".equals(l.path("stream").asText()) ? term().red(text) : text));
        }
    }

    @Command(name = "run", description = "Run a one-off command in a new container of the active release (its image"
            + " and env); its output is streamed, its exit code is this command's, the container is removed.%n"
            + "Example: dockerera run --app web.test -- /testapp --version")
    static final class Run extends Cmd {
        @Option(names = {"-e", "--env"}, paramLabel = "K=V", description = "Extra variable for this run (repeatable)")
        Map<String, String> env = new LinkedHashMap<>();

        @Option(names = "--detach", description = "Start it and print its id; do not stream")
        boolean detach;

        @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments (after --)")
        List<String> command = new ArrayList<>();

        @Override
        int run() {
            ObjectNode body = Api.JSON.createObjectNode();
            ArrayNode cmd = body.putArray("command");
            command.forEach(cmd::add);
            if (!env.isEmpty()) {
                ObjectNode e = body.putObject("env");
                env.forEach(e::put);
            }
            JsonNode r = api().post(appPath() + "/runs", body);
            String id = r.path("id").asText();
            if (detach) {
                if (!printedJson(r)) {
                    println("Run " + id + " started on " + r.path("host").asText());
                }
                return 0;
            }
            String runPath = appPath() + "/runs/" + Api.seg(id);
            AtomicReference<Boolean> done = new AtomicReference<>(false);
            Thread cancel = new Thread(() -> {
                if (!done.get()) {
                    try {
                        api().delete(runPath);
                    } catch (CliException ignored) {
                        // best effort on Ctrl-C
                    }
                }
            }, "dockerera-run-cancel");
            Runtime.getRuntime().addShutdownHook(cancel);
            AtomicInteger exit = new AtomicInteger(-1);
            api().stream(runPath + "/output", null, e -> {
                JsonNode d = e.json();
                if ("output".equals(e.event())) {
                    if ("stderr".equals(d.path("stream").asText())) {
                        term().err().println(d.path("line").asText());
                    } else {
                        term().out().println(d.path("line").asText());
                    }
                } else if ("exit".equals(e.event())) {
                    // null: killed (DELETE) or the host could not tell
                    exit.set(d.path("exitCode").isNumber() ? d.get("exitCode").asInt() : ExitCodes.FAILED);
                    if (!d.path("exitCode").isNumber()) {
                        term().err().println("dockerera: run " + id + " ended without an exit code");
                    }
                    return false;
                }
                return true;
            });
            done.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(cancel);
            } catch (IllegalStateException ignored) {
                // shutting down
            }
            if (exit.get() < 0) {
                JsonNode fin = api().get(runPath);
                if (fin.path("exitCode").isNumber()) {
                    return fin.get("exitCode").asInt();
                }
                throw CliException.failed("run " + id + " ended without an exit code (" + fin.path("status").asText()
                        + ")");
            }
            term().out().flush();
            term().err().flush();
            return exit.get();
        }
    }
}
