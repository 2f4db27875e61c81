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

/** {@code dockerera:host-uncordon}. */
@Command(scope = "dockerera", name = "host-uncordon", description = "The host takes new instances again")
@Service
public class HostUncordon implements Action {
    @Reference
    org.dockerera.api.HostService hosts;

    @Argument(index = 0, name = "host", required = true, description = "Host id or URL")
    @Completion(HostCompleter.class)
    String host;

    @Override
    public Object execute() {
        org.dockerera.api.Host h = hosts.uncordon(host);
        System.out.println("Host " + h.id() + " (" + h.url() + "): " + (h.draining() ? "draining"
                : h.schedulable() ? "schedulable" : "cordoned"));
        return null;
    }
}
