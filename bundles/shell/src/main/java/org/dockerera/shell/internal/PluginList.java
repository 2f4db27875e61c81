package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.dockerera.api.PluginImplementation;
import org.dockerera.api.PluginPoint;
import org.dockerera.api.PluginService;

/** {@code dockerera:plugin-list [POINT]}. */
@Command(scope = "dockerera", name = "plugin-list",
        description = "Lists every plugin point's implementations: bundle, version, whether in use, health (failed ones included)")
@Service
public class PluginList implements Action {
    @Reference
    PluginService plugins;

    @Argument(index = 0, name = "point", description = "Only this point: store, provider, strategy, router, routes")
    String point;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Point");
        table.column("Name");
        table.column("Active");
        table.column("Health");
        table.column("Bundle");
        table.column("Version");
        table.column("Detail");
        for (PluginPoint p : plugins.points()) {
            if (point != null && !point.equals(p.point())) {
                continue;
            }
            if (p.implementations().isEmpty()) {
                table.addRow().addContent(p.point(), "-", "", "", "", "", "");
            }
            for (PluginImplementation i : p.implementations()) {
                table.addRow().addContent(p.point(), i.name(), i.active() ? "*" : "", i.health(), i.bundle(),
                        i.version(), Tables.orDash(i.detail()));
            }
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
