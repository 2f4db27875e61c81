package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.dockerera.api.Host;
import org.dockerera.api.HostService;

@Command(scope = "dockerera", name = "host-list", description = "Lists Docker hosts with their live status")
@Service
public class HostList implements org.apache.karaf.shell.api.action.Action {

    @Reference
    HostService hosts;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("URL");
        table.column("Status");
        table.column("CPUs").alignRight();
        table.column("Memory").alignRight();
        table.column("Containers").alignRight();
        table.column("Labels");
        table.column("Last seen");
        for (Host h : hosts.list()) {
            table.addRow().addContent(h.id(), h.url(), h.status(), Tables.cpus(h.cpus()), Tables.bytes(h.memoryBytes()),
                    h.containers(), Tables.labels(h.labels()), Tables.ago(h.lastSeen()));
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
