package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tokens}, {@code tokens:create}, {@code tokens:revoke}. */
final class Tokens {
    private Tokens() {
    }

    @Command(name = "tokens", description = "List the API tokens (admin)")
    static final class List extends Cmd {
        @Override
        int run() {
            JsonNode ts = api().get("/tokens");
            if (printedJson(ts)) {
                return 0;
            }
            Table t = new Table("ID", "NAME", "SCOPE", "CREATED", "LAST USED");
            for (JsonNode tk : ts) {
                t.row(tk.path("id").asText(), tk.path("name").asText(), tk.path("scope").asText(),
                        Fmt.ago(Fmt.text(tk, "created")), Fmt.ago(Fmt.text(tk, "lastUsed")));
            }
            t.print(term());
            return 0;
        }
    }

    @Command(name = "tokens:create", description = "Create a token; its secret is shown once")
    static final class Create extends Cmd {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--scope", defaultValue = "deploy", description = "admin, deploy, read or router"
                + " (default ${DEFAULT-VALUE})")
        String scope;

        @Override
        int run() {
            JsonNode t = api().post("/tokens", Api.JSON.createObjectNode().put("name", name).put("scope", scope));
            if (printedJson(t)) {
                return 0;
            }
            println(t.path("token").asText());
            term().err().println("Token " + t.path("id").asText() + " (" + t.path("name").asText() + ", scope "
                    + t.path("scope").asText() + "): keep it now, it is not shown again");
            return 0;
        }
    }

    @Command(name = "tokens:revoke", description = "Revoke a token: it stops working at once")
    static final class Revoke extends Cmd {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run() {
            api().delete("/tokens/" + Api.seg(id));
            println("Revoked token " + id);
            return 0;
        }
    }
}
