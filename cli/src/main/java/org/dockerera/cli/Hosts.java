package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hosts}, {@code hosts:add}, {@code hosts:remove}. */
final class Hosts {
    private Hosts() {
    }

    @Command(name = "hosts", description = "List the Docker hosts with their status and load")
    static final class List extends Cmd {
        @Override
        int run() {
            JsonNode hosts = api().get("/hosts");
            if (printedJson(hosts)) {
                return 0;
            }
            Table t = new Table("ID", "URL", "STATUS", "CONTAINERS", "CPUS", "MEMORY", "LABELS", "NOTE");
            for (JsonNode h : hosts) {
                String note = h.has("error") ? Fmt.firstLine(h.get("error").asText())
                        : h.path("draining").asBoolean() ? "draining"
                        : h.has("schedulable") && !h.get("schedulable").asBoolean() ? "cordoned" : "";
                t.row(h.path("id").asText(), h.path("url").asText(), term().status(h.path("status").asText()),
                        h.path("containers").asInt(), Fmt.cpu(h.path("cpus").asDouble()),
                        Fmt.bytes(h.path("memoryBytes").asLong()), Fmt.labels(h.get("labels")), note);
            }
            t.print(term());
            return 0;
        }
    }

    @Command(name = "hosts:add", description = "Add a Docker host (unix://…, tcp://HOST:PORT)")
    static final class Add extends Cmd {
        @Parameters(paramLabel = "URL", description = "unix:///var/run/docker.sock or tcp://HOST:PORT")
        String url;

        @Option(names = {"-l", "--label"}, paramLabel = "K=V", description = "Placement label (repeatable)")
        Map<String, String> labels = new LinkedHashMap<>();

        @Option(names = "--tls-ca", paramLabel = "FILE", description = "CA certificate (PEM) of the daemon")
        Path ca;

        @Option(names = "--tls-cert", paramLabel = "FILE", description = "Client certificate (PEM)")
        Path cert;

        @Option(names = "--tls-key", paramLabel = "FILE", description = "Client key (PEM)")
        Path key;

        @Option(names = "--cpus", description = "CPUs offered to placement (default: what the engine says)")
        Double cpus;

        @Option(names = "--memory", paramLabel = "BYTES", description = "Memory offered to placement")
        Long memory;

        @Option(names = "--force", description = "Add it even if it does not answer now")
        boolean force;

        @Override
        int run() {
            ObjectNode body = Api.JSON.createObjectNode().put("url", url);
            if (!labels.isEmpty()) {
                ObjectNode l = body.putObject("labels");
                labels.forEach(l::put);
            }
            if (ca != null || cert != null || key != null) {
                if (ca == null || cert == null || key == null) {
                    throw CliException.usage("TLS needs all three of --tls-ca, --tls-cert and --tls-key");
                }
                ObjectNode tls = body.putObject("tls");
                tls.put("ca", read(ca)).put("cert", read(cert)).put("key", read(key));
            }
            if (cpus != null || memory != null) {
                ObjectNode c = body.putObject("capacity");
                if (cpus != null) {
                    c.put("cpus", cpus);
                }
                if (memory != null) {
                    c.put("memoryBytes", memory);
                }
            }
            if (force) {
                body.put("force", true);
            }
            JsonNode h = api().post("/hosts", body);
            if (printedJson(h)) {
                return 0;
            }
            println("Added host " + h.path("id").asText() + " (" + h.path("url").asText() + "), "
                    + h.path("status").asText() + (h.has("version") ? ", Docker " + h.get("version").asText() : ""));
            return 0;
        }
    }

    @Command(name = "hosts:remove", description = "Remove a host (by id or URL)")
    static final class Remove extends Cmd {
        @Parameters(paramLabel = "HOST", description = "Host id or URL")
        String host;

        @Option(names = "--force", description = "Remove it even though dockerera instances run there")
        boolean force;

        @Override
        int run() {
            api().delete("/hosts/" + Api.seg(host) + (force ? "?force=true" : ""));
            println("Removed host " + host);
            return 0;
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
    }
}
