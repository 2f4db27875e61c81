package org.dockerera.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code dockerera} command: Heroku/Longshoreman-style subcommands over the controller's REST API.
 */
@Command(name = "dockerera", mixinStandardHelpOptions = true, versionProvider = Dockerera.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Deploy and run apps on dockerera from the command line (REST only).%n"
                + "Configure once with `dockerera init`; DOCKERERA_URL, DOCKERERA_TOKEN, DOCKERERA_APP and"
                + " DOCKERERA_PROFILE override the saved configuration (DOCKERERA_CONFIG moves it).",
        footer = ExitCodes.HELP)
public final class Dockerera implements Runnable {
    /** Every subcommand, in the order --help lists them. */
    static final List<Class<?>> COMMANDS = List.of(
            Init.class,
            Hosts.List.class, Hosts.Add.class, Hosts.Remove.class,
            Apps.List.class, Apps.Add.class, Apps.Info.class, Apps.Remove.class,
            Envs.List.class, Envs.Set.class, Envs.Unset.class,
            Deploys.Deploy.class, Deploys.Releases.class, Deploys.Rollback.class, Deploys.Scale.class,
            Deploys.Restart.class,
            Processes.Ps.class, Processes.Logs.class, Processes.Run.class,
            Describe.class,
            Routing.Routes.class, Routing.Routers.class, Routing.Domains.class, Routing.DomainsAdd.class,
            Routing.DomainsRemove.class, Routing.Certs.class, Routing.CertsAdd.class, Routing.CertsRemove.class,
            Tokens.List.class, Tokens.Create.class, Tokens.Revoke.class,
            Store.Info.class, Store.Migrate.class, Plugins.List.class,
            Completion.class, Warmup.class);
    /** Options of the root that take a value (to find the subcommand in the arguments). */
    private static final Set<String> VALUE_OPTIONS = Set.of("-a", "--app", "--profile");

    @Option(names = {"-a", "--app"}, paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "The app to act on (or DOCKERERA_APP); before or after the subcommand")
    String app;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print the REST representation as JSON instead of a table (read commands)")
    boolean json;

    @Option(names = "--profile", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "Configuration profile to use (or DOCKERERA_PROFILE; default: the current one)")
    String profile;

    final Terminal term;
    final Map<String, String> env;
    private Api api;
    private CliConfig config;

    Dockerera(Terminal term, Map<String, String> env) {
        this.term = term;
        this.env = env;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is needed (see `dockerera --help`)");
    }

    public static void main(String[] args) {
        System.exit(execute(Terminal.system(), System.getenv(), args));
    }

    /** Runs one command line; returns the exit code. */
    static int execute(Terminal term, Map<String, String> env, String... args) {
        Dockerera root = new Dockerera(term, env);
        CommandLine cl = new CommandLine(root);
        // picocli builds the model of every registered command up front; a CLI call runs one, so only that one is
        // registered (about a third of a call's CPU time); help, completion and unknown names get them all
        Class<?> only = subcommandOf(args);
        for (Class<?> c : only == null ? COMMANDS : List.of(only)) {
            CommandLine sub = new CommandLine(c);
            sub.getCommandSpec().mixinStandardHelpOptions(true);
            cl.addSubcommand(sub);
        }
        cl.setOut(new java.io.PrintWriter(term.out(), true));
        cl.setErr(new java.io.PrintWriter(term.err(), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            term.err().println("dockerera: " + ex.getMessage().strip() + " (see `dockerera "
                    + helpFor(ex.getCommandLine()) + "--help`)");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (ex instanceof CliException) {
                term.err().println("dockerera: " + ex.getMessage());
                return ((CliException) ex).exitCode();
            }
            if (ex instanceof CommandLine.ParameterException) {
                term.err().println("dockerera: " + ex.getMessage());
                return ExitCodes.USAGE;
            }
            term.err().println("dockerera: unexpected " + ex + " (please report it with the command line)");
            return ExitCodes.FAILED;
        });
        return cl.execute(args);
    }

    /** The subcommand class named in the arguments, or null (none, help, completion, or an unknown name). */
    static Class<?> subcommandOf(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (VALUE_OPTIONS.contains(a)) {
                i++;
                continue;
            }
            if (a.startsWith("-")) {
                if ("-h".equals(a) || "--help".equals(a) || "-V".equals(a) || "--version".equals(a)) {
                    return null;
                }
                continue;
            }
            for (Class<?> c : COMMANDS) {
                if (a.equals(c.getAnnotation(Command.class).name())) {
                    return c == Completion.class ? null : c;
                }
            }
            return null;
        }
        return null;
    }

    private static String helpFor(CommandLine c) {
        return c == null || c.getParent() == null ? "" : c.getCommandName() + " ";
    }

    // ---- what every command uses ----

    CliConfig config() {
        if (config == null) {
            config = CliConfig.load(CliConfig.defaultPath(env));
        }
        return config;
    }

    String profileName() {
        return config().profileName(profile != null ? profile : env.get("DOCKERERA_PROFILE"));
    }

    /** The API of the configured controller; exit 2 when nothing says where it is. */
    Api api() {
        if (api == null) {
            CliConfig.Profile p = config().profile(profileName());
            String url = firstNonBlank(env.get("DOCKERERA_URL"), p == null ? null : p.url());
            String token = firstNonBlank(env.get("DOCKERERA_TOKEN"), p == null ? null : p.token());
            if (url == null) {
                throw CliException.usage("no controller configured: run `dockerera init` (or set DOCKERERA_URL"
                        + " and DOCKERERA_TOKEN)");
            }
            api = new Api(url, token);
        }
        return api;
    }

    /** The app to act on: {@code --app} (before or after the subcommand), else DOCKERERA_APP. */
    String app() {
        String a = firstNonBlank(app, env.get("DOCKERERA_APP"));
        if (a == null) {
            throw CliException.usage("which app? pass --app NAME (or set DOCKERERA_APP)");
        }
        return a;
    }

    static String appPath(String app) {
        return "/apps/" + Api.seg(app);
    }

    void printJson(JsonNode node) {
        try {
            term.out().println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Dockerera.class.getResourceAsStream("/org/dockerera/cli/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"dockerera CLI " + version()};
        }
    }

    /** The repository or install root the launcher ran from, if it said. */
    static Path launcherRoot() {
        String r = System.getProperty("dockerera.root");
        return r == null ? null : Path.of(r);
    }
}
