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

/** {@code dockerera:app-deploy}. */
@Command(scope = "dockerera", name = "app-deploy", description = "Deploys an image as a new release, with zero downtime, and follows it")
@Service
public class AppDeploy implements Action {
    @Reference
    org.dockerera.api.DeployService deploys;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Argument(index = 1, name = "image", required = true, description = "registry/name:tag")
    String image;

    @Option(name = "-i", aliases = "--instances", description = "Change the instance count too")
    Integer instances;

    @Option(name = "--explain", description = "Show where the instances would go, and why hosts are rejected; deploy nothing")
    boolean explain;

    @Option(name = "--no-follow", description = "Return at once with the deploy id")
    boolean noFollow;

    @Override
    public Object execute() {
        org.dockerera.api.DeployRequest request = new org.dockerera.api.DeployRequest(image, instances);
        if (explain) {
            org.dockerera.api.Explanation e = deploys.explain(app, request);
            System.out.println(e.instances() + " instance(s) of " + e.app() + " by strategy " + e.strategy() + ": "
                    + (e.complete() ? "all placed" : "NOT all placed: " + e.failure()));
            ShellTable t = new ShellTable();
            t.column("#").alignRight();
            t.column("Host");
            t.column("URL");
            int n = 0;
            for (org.dockerera.api.Explanation.Placement p : e.placements()) {
                t.addRow().addContent(++n, p.hostId(), Tables.orDash(p.hostUrl()));
            }
            t.print(System.out);
            e.notes().forEach(x -> System.out.println("note: " + x));
            e.rejections().forEach((h, why) -> System.out.println("rejected " + h + ": " + String.join(", ", why)));
            return null;
        }
        return FollowingCommand.finish(deploys, deploys.deploy(app, request, "karaf-shell"), noFollow);
    }
}
