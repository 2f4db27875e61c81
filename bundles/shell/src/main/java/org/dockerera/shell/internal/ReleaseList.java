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

/** {@code dockerera:release-list}. */
@Command(scope = "dockerera", name = "release-list", description = "Lists an app's releases, newest first")
@Service
public class ReleaseList implements Action {
    @Reference
    org.dockerera.api.AppService apps;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        print(apps.releases(app), noFormat);
        return null;
    }

    static void print(java.util.List<org.dockerera.api.Release> releases, boolean noFormat) {
        ShellTable table = new ShellTable();
        table.column("Release").alignRight();
        table.column("Status");
        table.column("Cause");
        table.column("Image");
        table.column("By");
        table.column("When");
        table.column("Message");
        for (org.dockerera.api.Release r : releases) {
            table.addRow().addContent(r.version(), r.status(), r.cause(), r.image(), Tables.orDash(r.token()),
                    Tables.ago(r.time()), r.message() == null ? "" : r.message().lines().findFirst().orElse(""));
        }
        table.print(System.out, !noFormat);
    }
}
