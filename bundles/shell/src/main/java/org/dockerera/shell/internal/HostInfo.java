package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.dockerera.api.Host;
import org.dockerera.api.HostService;
import org.dockerera.shell.internal.completers.HostCompleter;

@Command(scope = "dockerera", name = "host-info", description = "Shows one Docker host")
@Service
public class HostInfo implements Action {

    @Reference
    HostService hosts;

    @Argument(index = 0, name = "host", required = true, description = "Host id or URL")
    @Completion(HostCompleter.class)
    String host;

    @Override
    public Object execute() {
        Host h = hosts.get(host);
        ShellTable table = new ShellTable();
        table.noHeaders();
        table.column("Property");
        table.column("Value");
        table.addRow().addContent("ID", h.id());
        table.addRow().addContent("URL", h.url());
        table.addRow().addContent("Status", h.status());
        if (h.error() != null) {
            table.addRow().addContent("Error", h.error());
        }
        table.addRow().addContent("Engine ID", Tables.orDash(h.engineId()));
        table.addRow().addContent("Name", Tables.orDash(h.name()));
        table.addRow().addContent("Version", Tables.orDash(h.version()));
        table.addRow().addContent("CPUs", Tables.cpus(h.cpus()));
        table.addRow().addContent("Memory", Tables.bytes(h.memoryBytes()));
        table.addRow().addContent("Containers", h.containers());
        table.addRow().addContent("Labels", Tables.labels(h.labels()));
        table.addRow().addContent("TLS", h.tls() ? "yes" : "no");
        table.addRow().addContent("Capacity override", h.capacity() == null ? "-" : h.capacity().toString());
        table.addRow().addContent("Last seen", Tables.ago(h.lastSeen()));
        table.print(System.out);
        return null;
    }
}
