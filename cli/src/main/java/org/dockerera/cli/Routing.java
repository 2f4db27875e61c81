package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code routes}, {@code routers}, {@code domains[:add|:remove]}, {@code certs[:add|:remove]}. */
final class Routing {
    private Routing() {
    }

    @Command(name = "routes", description = "Show the route table every router serves")
    static final class Routes extends Cmd {
        @Override
        int run() {
            JsonNode table = api().get("/routes");
            if (printedJson(table)) {
                return 0;
            }
            println("Route table epoch " + table.path("epoch").asText());
            Table t = new Table("HOST", "APP", "BACKENDS", "TLS");
            for (JsonNode r : table.path("routes")) {
                String backends = Fmt.join(r.path("backends"));
                t.row(r.path("host").asText(), r.path("app").asText(), backends.isEmpty() ? "(none: 503)" : backends,
                        r.hasNonNull("tls") ? (r.path("httpsRedirect").asBoolean() ? "yes, redirect" : "yes") : "");
            }
            t.print(term());
            return 0;
        }
    }

    @Command(name = "routers", description = "List the routers with the epoch each serves")
    static final class Routers extends Cmd {
        @Override
        int run() {
            JsonNode rs = api().get("/routers");
            if (printedJson(rs)) {
                return 0;
            }
            Table t = new Table("ID", "TYPE", "URL", "EPOCH", "LAG", "STATUS");
            for (JsonNode r : rs) {
                t.row(r.path("id").asText(), r.path("type").asText(), r.path("url").asText(), r.path("epoch").asText(),
                        r.path("lagMs").asLong() + " ms", term().status(r.path("status").asText()));
            }
            t.print(term());
            return 0;
        }
    }

    @Command(name = "domains", description = "List the app's extra host names")
    static final class Domains extends Cmd {
        @Override
        int run() {
            JsonNode ds = api().get(appPath() + "/domains");
            if (printedJson(ds)) {
                return 0;
            }
            ds.forEach(d -> println(d.isTextual() ? d.asText() : d.path("domain").asText()));
            return 0;
        }
    }

    @Command(name = "domains:add", description = "Route another host name (or *.wildcard) to the app")
    static final class DomainsAdd extends Cmd {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Override
        int run() {
            api().post(appPath() + "/domains", Api.JSON.createObjectNode().put("domain", domain));
            println("Added " + domain + " to " + app());
            return 0;
        }
    }

    @Command(name = "domains:remove", description = "Stop routing a host name to the app (its certificate goes too)")
    static final class DomainsRemove extends Cmd {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Override
        int run() {
            api().delete(appPath() + "/domains/" + Api.seg(domain));
            println("Removed " + domain + " from " + app());
            return 0;
        }
    }

    @Command(name = "certs", description = "List the app's TLS certificates")
    static final class Certs extends Cmd {
        @Override
        int run() {
            JsonNode cs = api().get(appPath() + "/certs");
            if (printedJson(cs)) {
                return 0;
            }
            Table t = new Table("DOMAIN", "SUBJECT", "NAMES", "EXPIRES", "FINGERPRINT");
            for (JsonNode c : cs) {
                String fp = c.path("fingerprint").asText();
                t.row(c.path("domain").asText(), c.path("subject").asText(), Fmt.join(c.path("names")),
                        c.path("notAfter").asText(), fp.length() > 16 ? fp.substring(0, 16) + "…" : fp);
            }
            t.print(term());
            return 0;
        }
    }

    @Command(name = "certs:add", description = "Serve HTTPS for one of the app's host names with this certificate")
    static final class CertsAdd extends Cmd {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Option(names = "--cert", required = true, paramLabel = "FILE", description = "PEM chain, leaf first")
        Path cert;

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "PEM private key")
        Path key;

        @Override
        int run() {
            ObjectNode body = Api.JSON.createObjectNode().put("cert", Hosts.read(cert)).put("key", Hosts.read(key));
            JsonNode c = api().put(appPath() + "/domains/" + Api.seg(domain) + "/cert", body);
            if (printedJson(c)) {
                return 0;
            }
            println("HTTPS for " + domain + ": " + c.path("subject").asText() + ", valid until "
                    + c.path("notAfter").asText());
            return 0;
        }
    }

    @Command(name = "certs:remove", description = "Stop serving HTTPS for a host name")
    static final class CertsRemove extends Cmd {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Override
        int run() {
            api().delete(appPath() + "/domains/" + Api.seg(domain) + "/cert");
            println("Removed the certificate of " + domain);
            return 0;
        }
    }
}
