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
import org.dockerera.shell.internal.completers.HostCompleter;

/** {@code dockerera:deploy-info}. */
@Command(scope = "dockerera", name = "deploy-info", description = "Shows a deploy and its events; --follow waits for it to end")
@Service
public class DeployInfo implements Action {
    @Reference
    org.dockerera.api.DeployService deploys;

    @Argument(index = 0, name = "id", required = true, description = "Deploy id")
    String id;

    @Option(name = "-f", aliases = "--follow", description = "Follow until it ends")
    boolean follow;

    @Override
    public Object execute() {
        org.dockerera.api.Deploy d = deploys.get(id);
        if (follow) {
            return FollowingCommand.finish(deploys, d, false);
        }
        System.out.println(d.id() + "  " + d.kind() + " of " + d.app() + "  " + d.status()
                + (d.release() != null ? "  release " + d.release() : "") + "  " + Tables.orDash(d.message()));
        for (org.dockerera.api.events.Event e : deploys.events(id)) {
            System.out.println("  " + e.time() + "  " + e.type() + "  " + Tables.orDash(e.message()));
        }
        return null;
    }
}
