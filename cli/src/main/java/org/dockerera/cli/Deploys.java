package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deploy}, {@code releases}, {@code rollback}, {@code scale}, {@code restart}. */
final class Deploys {
    private Deploys() {
    }

    /** A command that starts a deploy and may follow it. */
    abstract static class Changing extends Cmd {
        @Option(names = {"-w", "--wait"}, description = "Follow the deploy and exit 0 only when it succeeded")
        boolean waitFor;

        int started(JsonNode deploy, int wanted) {
            if (!deploy.has("id") || !deploy.has("kind")) { // 200: only recorded (before the first deploy)
                println("Recorded; it takes effect with the app's first deploy");
                return 0;
            }
            if (!waitFor) {
                if (json()) {
                    root.printJson(deploy);
                    return 0;
                }
                return DeployFollower.accepted(term(), deploy);
            }
            int n = wanted >= 0 ? wanted : api().get(appPath()).path("instances").asInt();
            return new DeployFollower(api(), term(), n).follow(deploy);
        }
    }

    @Command(name = "deploy", description = "Deploy an image as the app's next release (REGISTRY/NAME:TAG or @sha256:…)")
    static final class Deploy extends Changing {
        @Parameters(paramLabel = "IMAGE", description = "e.g. 127.0.0.1:5000/web:v2")
        String image;

        @Option(names = {"-i", "--instances"}, description = "Instances to run (default: the app's count)")
        Integer instances;

        @Option(names = "--explain", description = "Show where the instances would go and why; change nothing")
        boolean explain;

        @Override
        int run() {
            ObjectNode body = Api.JSON.createObjectNode().put("image", image);
            if (instances != null) {
                body.put("instances", instances);
            }
            if (explain) {
                JsonNode x = api().post(appPath() + "/deploys?explain=true", body);
                if (printedJson(x)) {
                    return 0;
                }
                printExplanation(x);
                return x.path("complete").asBoolean(true) ? 0 : ExitCodes.FAILED;
            }
            JsonNode d = api().post(appPath() + "/deploys", body);
            return started(d, instances == null ? -1 : instances);
        }

        private void printExplanation(JsonNode x) {
            println(x.path("instances").asInt() + " instance(s) of " + x.path("app").asText() + " by "
                    + x.path("strategy").asText() + ":");
            Table t = new Table("#", "HOST", "URL");
            int i = 1;
            for (JsonNode p : x.path("placements")) {
                t.row(i++, p.path("hostId").asText(), p.path("hostUrl").asText());
            }
            t.print(term());
            for (Iterator<Map.Entry<String, JsonNode>> it = x.path("rejections").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> r = it.next();
                println("rejected " + r.getKey() + ": " + Fmt.join(r.getValue()).replace(",", "; "));
            }
            x.path("notes").forEach(n -> println("note: " + n.asText()));
            if (!x.path("complete").asBoolean(true)) {
                term().err().println("dockerera: not every instance finds a host: " + x.path("failure").asText());
            }
        }
    }

    @Command(name = "releases", description = "List the app's releases, newest first")
    static final class Releases extends Cmd {
        @Override
        int run() {
            JsonNode rs = api().get(appPath() + "/releases");
            if (printedJson(rs)) {
                return 0;
            }
            Table t = new Table("VERSION", "STATUS", "IMAGE", "CAUSE", "BY", "WHEN", "MESSAGE");
            for (JsonNode r : rs) {
                t.row("v" + r.path("version").asText(), term().status(r.path("status").asText()),
                        r.path("image").asText(), r.path("cause").asText(), Fmt.text(r, "token"),
                        Fmt.ago(Fmt.text(r, "time")), Fmt.firstLine(Fmt.text(r, "message")));
            }
            t.print(term());
            return 0;
        }
    }

    @Command(name = "rollback", description = "Roll back to the release before the active one, or to VERSION")
    static final class Rollback extends Changing {
        @Parameters(paramLabel = "VERSION", arity = "0..1", description = "Release number (v3 or 3)")
        String version;

        @Override
        int run() {
            ObjectNode body = Api.JSON.createObjectNode();
            if (version != null) {
                String v = version.startsWith("v") ? version.substring(1) : version;
                try {
                    body.put("release", Long.parseLong(v));
                } catch (NumberFormatException e) {
                    throw CliException.usage("VERSION must be a release number like 3 or v3, not '" + version + "'");
                }
            }
            return started(api().post(appPath() + "/rollback", body), -1);
        }
    }

    @Command(name = "scale", description = "Run N instances of the app (0 stops it)")
    static final class Scale extends Changing {
        @Parameters(paramLabel = "N")
        int instances;

        @Override
        int run() {
            if (instances < 0) {
                throw CliException.usage("N must be 0 or more, not " + instances);
            }
            return started(api().put(appPath() + "/scale", Api.JSON.createObjectNode().put("instances", instances)),
                    instances);
        }
    }

    @Command(name = "restart", description = "Replace every instance, one by one, with the same release")
    static final class Restart extends Changing {
        @Override
        int run() {
            return started(api().post(appPath() + "/restart", null), -1);
        }
    }
}
