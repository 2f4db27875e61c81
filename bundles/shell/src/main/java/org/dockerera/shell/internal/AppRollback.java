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

/** {@code dockerera:app-rollback}. */
@Command(scope = "dockerera", name = "app-rollback", description = "Rolls back to the release active before this one, or to RELEASE")
@Service
public class AppRollback implements Action {
    @Reference
    org.dockerera.api.DeployService deploys;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Argument(index = 1, name = "release", description = "Release number (default: the previously active one)")
    Integer release;

    @Option(name = "--no-follow", description = "Return at once with the deploy id")
    boolean noFollow;

    @Override
    public Object execute() {
        return FollowingCommand.finish(deploys, deploys.rollback(app, release, "karaf-shell"), noFollow);
    }
}
