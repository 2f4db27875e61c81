package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;


import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code envs}, {@code envs:set}, {@code envs:unset}. */
final class Envs {
    private Envs() {
    }

    @Command(name = "envs", description = "List the app's environment (secret values masked)")
    static final class List extends Cmd {
        @Override
        int run() {
            JsonNode env = api().get(appPath() + "/env");
            if (printedJson(env)) {
                return 0;
            }
            Table t = new Table("KEY", "VALUE", "SECRET");
            for (JsonNode v : env) {
                t.row(v.path("key").asText(), v.path("value").asText(), v.path("secret").asBoolean() ? "yes" : "");
            }
            t.print(term());
            return 0;
        }
    }

    @Command(name = "envs:set", description = "Set variables: a new release of the active image with them")
    static final class Set extends Deploys.Changing {
        @Parameters(paramLabel = "K=V", arity = "1..*")
        java.util.List<String> pairs;

        @Option(names = "--secret", description = "Store the values sealed; they are never shown again")
        boolean secret;

        @Override
        int run() {
            ObjectNode patch = Api.JSON.createObjectNode();
            for (String p : pairs) {
                int eq = p.indexOf('=');
                if (eq < 1) {
                    throw CliException.usage("'" + p + "' is not K=V");
                }
                patch.put(p.substring(0, eq), p.substring(eq + 1));
            }
            if (!secret) {
                return started(api().patch(appPath() + "/env", patch), -1);
            }
            // a secret is set one variable at a time (PUT …/env/{key} carries the flag); each is its own change
            JsonNode last = null;
            for (java.util.Iterator<String> it = patch.fieldNames(); it.hasNext();) {
                String k = it.next();
                last = api().put(appPath() + "/env/" + Api.seg(k),
                        Api.JSON.createObjectNode().put("value", patch.get(k).asText()).put("secret", true));
            }
            return started(last, -1);
        }
    }

    @Command(name = "envs:unset", description = "Remove variables: a new release of the active image without them")
    static final class Unset extends Deploys.Changing {
        @Parameters(paramLabel = "K", arity = "1..*")
        java.util.List<String> keys;

        @Override
        int run() {
            ObjectNode patch = Api.JSON.createObjectNode();
            keys.forEach(patch::putNull);
            return started(api().patch(appPath() + "/env", patch), -1);
        }
    }
}
