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

/** {@code dockerera:route-list}. */
@Command(scope = "dockerera", name = "route-list", description = "Shows the route table: host names and the instances they go to")
@Service
public class RouteList implements Action {
    @Reference
    org.dockerera.api.RouteService routes;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        org.dockerera.spi.router.RouteTable t = routes.table();
        System.out.println("Route table epoch " + t.epoch());
        ShellTable table = new ShellTable();
        table.column("Host");
        table.column("App");
        table.column("TLS");
        table.column("Backends");
        for (org.dockerera.spi.router.Route r : t.routes()) {
            String tls = r.tls() == null ? "-" : (r.httpsRedirect() ? "https only " : "yes ") + r.tls().substring(0,
                    Math.min(12, r.tls().length()));
            table.addRow().addContent(r.host(), r.app(), tls, r.backends().isEmpty() ? "(none: 503)"
                    : String.join(" ", r.backends()));
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
