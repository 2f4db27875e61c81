package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import picocli.CommandLine.Command;

/**
 * {@code describe}: the whole cluster on one screen — hosts with their load, apps with releases and instances,
 * routers with the epoch each serves. With {@code --app} only that app.
 */
@Command(name = "describe", description = "Hosts with load, apps with releases and instances, routers with epochs")
final class Describe extends Cmd {
    private static final int RELEASES_SHOWN = 3;

    @Override
    int run() {
        Api api = api();
        String only = Dockerera.firstNonBlank(root.app, root.env.get("DOCKERERA_APP"));
        ObjectNode all = Api.JSON.createObjectNode();
        JsonNode hosts = api.get("/hosts");
        all.set("hosts", hosts);
        ArrayNode apps = all.putArray("apps");
        JsonNode list = only == null ? api.get("/apps") : Api.JSON.createArrayNode().add(api.get(Dockerera.appPath(only)));
        for (JsonNode a : list) {
            ObjectNode app = Api.JSON.createObjectNode();
            String path = Dockerera.appPath(a.path("name").asText());
            app.set("app", a);
            app.set("releases", api.get(path + "/releases"));
            app.set("instances", api.get(path + "/instances"));
            apps.add(app);
        }
        all.set("routers", api.get("/routers"));
        all.set("routes", api.get("/routes"));
        if (printedJson(all)) {
            return 0;
        }
        print(all);
        return 0;
    }

    private void print(JsonNode all) {
        Terminal t = term();
        // load per host: the instances placed there and what Docker says they use
        Map<String, double[]> load = new HashMap<>();
        for (JsonNode app : all.path("apps")) {
            for (JsonNode i : app.path("instances")) {
                double[] l = load.computeIfAbsent(i.path("hostId").asText(), k -> new double[3]);
                l[0]++;
                l[1] += i.path("stats").path("cpuPercent").asDouble();
                l[2] += i.path("stats").path("memoryBytes").asDouble();
            }
        }
        println(t.bold("Hosts"));
        Table h = new Table("  ID", "URL", "STATUS", "INSTANCES", "CONTAINERS", "CPU USED", "MEM USED", "CAPACITY");
        for (JsonNode host : all.path("hosts")) {
            double[] l = load.getOrDefault(host.path("id").asText(), new double[3]);
            h.row("  " + host.path("id").asText(), host.path("url").asText(), t.status(host.path("status").asText())
                    + (host.has("schedulable") && !host.get("schedulable").asBoolean() ? " (cordoned)" : ""),
                    (long) l[0], host.path("containers").asInt(), String.format(Locale.ROOT, "%.1f%%", l[1]),
                    Fmt.bytes((long) l[2]), Fmt.cpu(host.path("cpus").asDouble()) + " CPU, "
                            + Fmt.bytes(host.path("memoryBytes").asLong()));
        }
        h.print(t);
        println("");
        println(t.bold("Apps"));
        if (all.path("apps").size() == 0) {
            println("  (none: create one with `dockerera apps:add NAME`)");
        }
        for (JsonNode entry : all.path("apps")) {
            JsonNode app = entry.path("app");
            int healthy = 0;
            for (JsonNode i : entry.path("instances")) {
                if ("healthy".equals(i.path("state").asText())) {
                    healthy++;
                }
            }
            println("  " + t.bold(app.path("name").asText()) + "  " + app.path("type").asText() + ", "
                    + healthy + "/" + app.path("instances").asInt() + " healthy, "
                    + (app.has("activeRelease") ? "release v" + app.get("activeRelease").asText() + " ("
                            + app.path("image").asText() + ")" : "not deployed"));
            int n = 0;
            for (JsonNode r : entry.path("releases")) {
                if (n++ == RELEASES_SHOWN) {
                    println("    … " + (entry.path("releases").size() - RELEASES_SHOWN) + " older release(s)");
                    break;
                }
                println("    v" + r.path("version").asText() + "  " + t.status(r.path("status").asText()) + "  "
                        + r.path("image").asText() + "  " + r.path("cause").asText() + "  "
                        + Fmt.ago(Fmt.text(r, "time")));
            }
            for (JsonNode i : entry.path("instances")) {
                println("    " + i.path("id").asText() + "  v" + i.path("release").asText() + "  on "
                        + i.path("hostId").asText() + "  " + Fmt.text(i, "address") + "  "
                        + t.status(i.path("state").asText()));
            }
        }
        println("");
        println(t.bold("Routers") + "  (route table epoch " + all.path("routes").path("epoch").asText() + ", "
                + all.path("routes").path("routes").size() + " routes)");
        if (all.path("routers").size() == 0) {
            println("  (none registered)");
        }
        Table r = new Table("  ID", "TYPE", "URL", "EPOCH", "LAG", "STATUS");
        for (JsonNode router : all.path("routers")) {
            r.row("  " + router.path("id").asText(), router.path("type").asText(), router.path("url").asText(),
                    router.path("epoch").asText(), router.path("lagMs").asLong() + " ms",
                    t.status(router.path("status").asText()));
        }
        if (r.size() > 0) {
            r.print(t);
        }
    }
}
