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

/** {@code dockerera:app-list}. */
@Command(scope = "dockerera", name = "app-list", description = "Lists apps with their active release")
@Service
public class AppList implements Action {
    @Reference
    org.dockerera.api.AppService apps;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Type");
        table.column("Instances").alignRight();
        table.column("Release").alignRight();
        table.column("Image");
        table.column("Port").alignRight();
        for (org.dockerera.api.App a : apps.list()) {
            table.addRow().addContent(a.name(), a.type(), a.instances(), Tables.orDash(a.activeRelease()),
                    Tables.orDash(a.image()), a.port());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
