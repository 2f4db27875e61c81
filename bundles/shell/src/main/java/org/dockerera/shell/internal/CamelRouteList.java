package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.dockerera.api.events.CamelRouteInfo;
import org.dockerera.api.events.CamelRoutes;
import org.dockerera.api.events.RouteFileStatus;

/** {@code dockerera:camel-route-list}. */
@Command(scope = "dockerera", name = "camel-route-list",
        description = "Lists the routes of the dockerera Camel context with their source (bundle or route file) and state,"
                + " and the route files that failed to load")
@Service
public class CamelRouteList implements Action {
    @Reference
    CamelRoutes camel;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Route");
        table.column("Source");
        table.column("State");
        table.column("From");
        for (CamelRouteInfo r : camel.routes()) {
            table.addRow().addContent(r.id(), r.source(), r.state(), Tables.orDash(r.endpoint()));
        }
        table.print(System.out, !noFormat);
        boolean anyFailed = camel.files().stream().anyMatch(RouteFileStatus::failed);
        if (anyFailed) {
            System.out.println();
            System.out.println("Route files that failed to load (in " + camel.directory() + "):");
            ShellTable failed = new ShellTable();
            failed.column("File");
            failed.column("Line");
            failed.column("Reason");
            failed.column("Still running");
            for (RouteFileStatus f : camel.files()) {
                if (f.failed()) {
                    String line = f.line() == null ? "-" : f.line() + (f.column() == null ? "" : ":" + f.column());
                    failed.addRow().addContent(f.file(), line, f.reason(),
                            f.routes().isEmpty() ? "-" : String.join(",", f.routes()));
                }
            }
            failed.print(System.out, !noFormat);
        }
        return null;
    }
}
