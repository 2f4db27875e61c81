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

/** What every command that starts a deploy does with it: follow it, or print its id. */
final class FollowingCommand {
    private FollowingCommand() {
    }

    static Object finish(org.dockerera.api.DeployService deploys, org.dockerera.api.Deploy d, boolean noFollow) {
        if (d == null) {
            System.out.println("Recorded; nothing to roll out (no release deployed yet)");
            return null;
        }
        if (noFollow) {
            System.out.println("deploy " + d.id() + " " + d.status() + " (" + d.kind() + " of " + d.app() + ")");
            return null;
        }
        Follow.follow(deploys, d, System.out, pause -> Thread.sleep(pause.toMillis()));
        return null;
    }
}
