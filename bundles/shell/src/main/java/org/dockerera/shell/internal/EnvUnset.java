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

/** {@code dockerera:env-unset}. */
@Command(scope = "dockerera", name = "env-unset", description = "Unsets environment variables (a new release rolls out)")
@Service
public class EnvUnset implements Action {
    @Reference
    org.dockerera.api.AppService apps;
    @Reference
    org.dockerera.api.DeployService deploys;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Argument(index = 1, name = "keys", required = true, multiValued = true, description = "KEY ...")
    java.util.List<String> keys;

    @Option(name = "--no-follow", description = "Return at once with the deploy id")
    boolean noFollow;

    @Override
    public Object execute() {
        java.util.Map<String, String> unset = new java.util.LinkedHashMap<>();
        keys.forEach(k -> unset.put(k, null));
        return FollowingCommand.finish(deploys, apps.patchEnv(app, unset, "karaf-shell").deploy(), noFollow);
    }
}
