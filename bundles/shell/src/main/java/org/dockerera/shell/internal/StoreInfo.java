package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.dockerera.api.StoreBackend;
import org.dockerera.api.StoreService;

@Command(scope = "dockerera", name = "store-info",
        description = "Shows the config store backends: which is active, endpoint, revision, health")
@Service
public class StoreInfo implements Action {

    @Reference
    StoreService store;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Backend");
        table.column("Active");
        table.column("Endpoint");
        table.column("Revision");
        table.column("Health");
        for (StoreBackend b : store.backends()) {
            table.addRow().addContent(b.name(), b.active() ? "*" : "", b.status().endpoint(), b.status().revision(),
                    b.status().health());
        }
        table.print(System.out);
        return null;
    }
}
