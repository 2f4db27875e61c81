package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code init}: asks for what is missing (controller URL, token), checks them against the controller and saves the
 * profile in {@code ~/.dockerera/config} (0600). On the controller's own machine it offers the admin token file
 * dockerera wrote on first start, so the quickstart needs no copy-paste.
 */
@Command(name = "init", description = "Save the controller URL and token (asks for what is missing)")
final class Init extends Cmd {
    @Option(names = "--url", paramLabel = "URL", description = "Controller base URL, e.g. http://HOST:8181")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API token (default: ask, or the local admin"
            + " token file on the controller's machine)")
    String token;

    @Option(names = {"-y", "--yes"}, description = "Ask nothing: take the defaults")
    boolean yes;

    private BufferedReader stdin;

    @Override
    int run() {
        CliConfig cfg = root.config();
        String name = root.profileName();
        CliConfig.Profile existing = cfg.profile(name);
        String u = Dockerera.firstNonBlank(url, root.env.get("DOCKERERA_URL"));
        if (u == null) {
            u = ask("Controller URL", existing != null && existing.url() != null ? existing.url()
                    : "http://127.0.0.1:8181");
        }
        u = Api.controllerUrl(u);
        String tk = Dockerera.firstNonBlank(token, root.env.get("DOCKERERA_TOKEN"));
        if (tk == null) {
            Path local = localAdminToken(u);
            if (local != null && confirm("Use the admin token in " + local + "?")) {
                try {
                    tk = Files.readString(local).strip();
                } catch (IOException e) {
                    throw CliException.failed("cannot read " + local + ": " + e.getMessage());
                }
            } else {
                tk = askSecret("API token", existing == null ? null : existing.token());
            }
        }
        JsonNode who = new Api(u, tk).get("/session");
        cfg.put(name, new CliConfig.Profile(u, tk), true);
        cfg.save();
        println("Saved profile " + name + " in " + cfg.file() + ": " + u + " as token "
                + who.path("tokenName").asText() + " (scope " + who.path("scope").asText() + ")");
        return 0;
    }

    /** The admin token file of a dockerera on this machine, when the URL points here and the file is readable. */
    Path localAdminToken(String controllerUrl) {
        if (!isLocal(controllerUrl)) {
            return null;
        }
        List<Path> candidates = new ArrayList<>();
        String home = root.env.get("DOCKERERA_HOME");
        if (home != null) {
            candidates.add(Path.of(home, "data", "dockerera", "admin.token"));
        }
        Path launcherRoot = Dockerera.launcherRoot();
        if (launcherRoot != null) {
            candidates.add(launcherRoot.resolve("run/dockerera/data/dockerera/admin.token"));
        }
        candidates.add(Path.of("run/dockerera/data/dockerera/admin.token"));
        candidates.add(Path.of("/opt/dockerera/data/dockerera/admin.token"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && Files.isReadable(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    static boolean isLocal(String controllerUrl) {
        try {
            String host = URI.create(controllerUrl).getHost();
            if (host == null) {
                return false;
            }
            if ("localhost".equalsIgnoreCase(host)) {
                return true;
            }
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || a.isAnyLocalAddress()
                    || java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (IllegalArgumentException | UnknownHostException | java.net.SocketException e) {
            return false;
        }
    }

    private String ask(String what, String dflt) {
        if (yes) {
            if (dflt == null) {
                throw CliException.usage(what + " is missing: pass it as an option");
            }
            return dflt;
        }
        term().err().print(what + (dflt == null ? "" : " [" + dflt + "]") + ": ");
        term().err().flush();
        String line = readLine();
        if (line == null || line.isBlank()) {
            if (dflt == null) {
                throw CliException.usage(what + " is missing: pass it as an option (see `dockerera init --help`)");
            }
            if (line == null) {
                term().err().println();
            }
            return dflt;
        }
        return line.strip();
    }

    private boolean confirm(String question) {
        if (yes) {
            return true;
        }
        term().err().print(question + " [Y/n] ");
        term().err().flush();
        String line = readLine();
        if (line == null) {
            term().err().println();
        }
        return line == null || line.isBlank() || line.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y");
    }

    private String askSecret(String what, String dflt) {
        Console c = System.console();
        if (c != null && !yes) {
            char[] pw = c.readPassword("%s%s: ", what, dflt == null ? "" : " [keep the saved one]");
            String s = pw == null ? "" : new String(pw).strip();
            if (!s.isEmpty()) {
                return s;
            }
            if (dflt != null) {
                return dflt;
            }
            throw CliException.usage(what + " is missing: pass --token (see `dockerera tokens:create`)");
        }
        return ask(what, dflt);
    }

    private String readLine() {
        try {
            if (stdin == null) {
                stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            }
            return stdin.readLine();
        } catch (IOException e) {
            return null;
        }
    }
}
