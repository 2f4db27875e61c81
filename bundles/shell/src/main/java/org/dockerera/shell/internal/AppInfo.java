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

/** {@code dockerera:app-info}. */
@Command(scope = "dockerera", name = "app-info", description = "Shows an app: settings, environment (secrets masked), releases, instances")
@Service
public class AppInfo implements Action {
    @Reference
    org.dockerera.api.AppService apps;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Override
    public Object execute() {
        org.dockerera.api.App a = apps.get(app);
        System.out.println("Name            " + a.name());
        System.out.println("Type            " + a.type());
        System.out.println("Instances       " + a.instances());
        System.out.println("Port            " + a.port());
        System.out.println("Active release  " + Tables.orDash(a.activeRelease()) + "  " + Tables.orDash(a.image()));
        System.out.println("Health          GET " + a.health().path() + " every " + a.health().intervalMs() + " ms (start timeout "
                + a.health().startTimeoutMs() + " ms)");
        System.out.println("Restart policy  " + a.restartPolicy());
        System.out.println("Drain / stop    " + a.drainTimeoutMs() + " ms / " + a.stopTimeoutMs() + " ms");
        System.out.println("Constraints     " + (a.constraints().isEmpty() ? "-" : String.join(", ", a.constraints())));
        System.out.println("Command         " + (a.command().isEmpty() ? "(image default)" : String.join(" ", a.command())));
        System.out.println();
        System.out.println("Environment");
        for (org.dockerera.api.EnvVar v : apps.env(app)) {
            System.out.println("  " + v.key() + "=" + v.value() + (v.secret() ? "  (secret)" : ""));
        }
        System.out.println();
        ReleaseList.print(apps.releases(app).stream().limit(5).toList(), false);
        System.out.println();
        InstanceList.print(apps.instances(app), false);
        return null;
    }
}
