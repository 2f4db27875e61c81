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

/** {@code dockerera:app-remove}. */
@Command(scope = "dockerera", name = "app-remove", description = "Removes an app: drains and stops its instances, then forgets it")
@Service
public class AppRemove implements Action {
    @Reference
    org.dockerera.api.AppService apps;
    @Reference
    org.dockerera.api.DeployService deploys;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Option(name = "--no-follow", description = "Return at once with the deploy id")
    boolean noFollow;

    @Override
    public Object execute() throws Exception {
        org.dockerera.api.Deploy d = apps.remove(app, "karaf-shell");
        return FollowingCommand.finish(deploys, d, noFollow);
    }
}
