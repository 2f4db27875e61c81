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

/** {@code dockerera:router-list}. */
@Command(scope = "dockerera", name = "router-list", description = "Lists the registered routers, the epoch each serves and its lag")
@Service
public class RouterList implements Action {
    @Reference
    org.dockerera.api.RouterService routers;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("Type");
        table.column("URL");
        table.column("Epoch").alignRight();
        table.column("Lag").alignRight();
        table.column("Status");
        table.column("Last seen");
        for (org.dockerera.api.RouterService.RouterInfo r : routers.list()) {
            table.addRow().addContent(r.id(), r.type(), r.url(), r.epoch(), r.lagMs() + " ms", r.status(),
                    Tables.ago(r.lastSeen()));
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
