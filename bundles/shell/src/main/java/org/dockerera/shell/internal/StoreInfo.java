package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.dockerera.api.InfoService;
import org.dockerera.api.StoreStatus;

@Command(scope = "dockerera", name = "store-info", description = "Shows the active config store: backend, endpoint, revision, health")
@Service
public class StoreInfo implements Action {

    @Reference
    InfoService info;

    @Override
    public Object execute() {
        StoreStatus s = info.info().store();
        ShellTable table = new ShellTable();
        table.noHeaders();
        table.column("Property");
        table.column("Value");
        table.addRow().addContent("Backend", s.backend());
        table.addRow().addContent("Endpoint", s.endpoint());
        table.addRow().addContent("Revision", s.revision());
        table.addRow().addContent("Health", s.health());
        table.print(System.out);
        return null;
    }
}
