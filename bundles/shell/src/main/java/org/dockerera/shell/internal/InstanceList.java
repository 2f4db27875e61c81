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

/** {@code dockerera:instance-list}. */
@Command(scope = "dockerera", name = "instance-list", description = "Lists an app's instances with their host, address, health, CPU and memory")
@Service
public class InstanceList implements Action {
    @Reference
    org.dockerera.api.AppService apps;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        print(apps.instances(app, true), noFormat);
        return null;
    }

    static void print(java.util.List<org.dockerera.api.Instance> instances, boolean noFormat) {
        ShellTable table = new ShellTable();
        table.column("Instance");
        table.column("Release").alignRight();
        table.column("Host");
        table.column("Address");
        table.column("State");
        table.column("Since");
        table.column("CPU").alignRight();
        table.column("Memory").alignRight();
        for (org.dockerera.api.Instance i : instances) {
            org.dockerera.api.InstanceStats s = i.stats();
            table.addRow().addContent(i.id(), i.release(), i.hostId(), Tables.orDash(i.address()), i.state(),
                    Tables.ago(i.since()), s == null ? "-" : String.format("%.1f%%", s.cpuPercent()),
                    s == null ? "-" : Tables.bytes(s.memoryBytes()) + " / " + Tables.bytes(s.memoryLimitBytes()));
        }
        table.print(System.out, !noFormat);
    }
}
