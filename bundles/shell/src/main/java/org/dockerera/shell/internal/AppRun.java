package org.dockerera.shell.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.dockerera.api.DockereraException;
import org.dockerera.api.Run;
import org.dockerera.api.RunRequest;
import org.dockerera.api.RunService;
import org.dockerera.shell.internal.completers.AppCompleter;

/** {@code dockerera:app-run}. */
@Command(scope = "dockerera", name = "app-run", description = "Runs a command once in a container of the app's active "
        + "release (its image and environment) and prints its output: app-run [-e K=V] APP -- /app migrate --dry-run "
        + "(options before APP; everything after APP is the command)")
@Service
public class AppRun implements Action {
    @Reference
    RunService runs;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Argument(index = 1, name = "command", required = true, multiValued = true,
            description = "The program, then its arguments (after --, so that they are not taken for options)")
    List<String> command;

    @Option(name = "--env", aliases = "-e", multiValued = true, description = "KEY=VALUE set for this run only")
    List<String> env;

    @Option(name = "--detach", aliases = "-d", description = "Print the run's id and return at once")
    boolean detach;

    @Override
    public Object execute() throws Exception {
        Map<String, String> vars = new LinkedHashMap<>();
        if (env != null) {
            for (String kv : env) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw DockereraException.invalid("invalid-request", "--env takes KEY=VALUE, got '" + kv + "'");
                }
                vars.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        // the shell stops reading options at the first argument (APP): a "--" after it arrives as an argument
        List<String> cmd = !command.isEmpty() && "--".equals(command.get(0)) ? command.subList(1, command.size())
                : command;
        Run run = runs.start(app, new RunRequest(cmd, vars), "karaf-shell");
        if (detach) {
            System.out.println("run " + run.id() + " of " + app + " started on " + run.host() + " (release "
                    + run.release() + ")");
            return null;
        }
        // output comes on other threads: this one prints it (the session's output belongs to it)
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        Integer[] exit = new Integer[1];
        try (RunService.RunOutput output = runs.output(app, run.id())) {
            output.start(new RunService.OutputListener() {
                @Override
                public void line(String stream, String line) {
                    queue.add(("stderr".equals(stream) ? "! " : "") + line);
                }

                @Override
                public void exit(Integer exitCode) {
                    exit[0] = exitCode;
                    queue.add(Boolean.TRUE);
                }
            });
            for (Object next = queue.take(); !(next instanceof Boolean); next = queue.take()) {
                System.out.println(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.out.println("stopped reading; run " + run.id() + " goes on (dockerera:app-run does not stop it)");
            return null;
        }
        Integer code = exit[0];
        if (code == null || code != 0) {
            throw new DockereraException(DockereraException.Kind.CONFLICT, "run-failed", "Run failed", "run "
                    + run.id() + " exited with code " + (code == null ? "unknown" : code));
        }
        return null;
    }
}
