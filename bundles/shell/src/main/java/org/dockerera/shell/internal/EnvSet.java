package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.dockerera.shell.internal.completers.AppCompleter;

/** {@code dockerera:env-set}. */
@Command(scope = "dockerera", name = "env-set", description = "Sets environment variables (a new release rolls out)")
@Service
public class EnvSet implements Action {
    @Reference
    org.dockerera.api.AppService apps;
    @Reference
    org.dockerera.api.DeployService deploys;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Argument(index = 1, name = "assignments", required = true, multiValued = true, description = "KEY=VALUE ...")
    java.util.List<String> assignments;

    @Option(name = "-s", aliases = "--secret", description = "Store the values encrypted and list them masked")
    boolean secret;

    @Option(name = "--no-follow", description = "Return at once with the deploy id")
    boolean noFollow;

    @Override
    public Object execute() {
        java.util.Map<String, String> vars = Args.assignments(assignments);
        org.dockerera.api.AppService.AppUpdate u;
        if (secret) {
            u = null;
            for (java.util.Map.Entry<String, String> e : vars.entrySet()) {
                u = apps.setEnv(app, e.getKey(), e.getValue(), true, "karaf-shell");
            }
        } else {
            u = apps.patchEnv(app, vars, "karaf-shell");
        }
        return FollowingCommand.finish(deploys, u == null ? null : u.deploy(), noFollow);
    }
}
