package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.dockerera.api.Leadership;
import org.dockerera.api.LeadershipService;

@Command(scope = "dockerera", name = "controller-info",
        description = "Shows whether this controller is active or standby, and which controller holds the lease")
@Service
public class ControllerInfo implements Action {

    @Reference
    LeadershipService leadership;

    @Override
    public Object execute() {
        Leadership l = leadership.current();
        ShellTable table = new ShellTable();
        table.column("Controller");
        table.column("URL");
        table.column("Role");
        table.column("Active controller");
        table.column("Term");
        table.column("Since");
        table.column("Lease");
        table.addRow().addContent(l.id(), l.url(), l.role(),
                l.activeId() == null ? "none" : l.activeId() + " (" + l.activeUrl() + ")", l.term(), l.since(),
                l.leaseMillis() + " ms");
        table.print(System.out);
        return null;
    }
}
