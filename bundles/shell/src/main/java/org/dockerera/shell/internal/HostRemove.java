package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.dockerera.api.HostService;
import org.dockerera.shell.internal.completers.HostCompleter;

@Command(scope = "dockerera", name = "host-remove", description = "Removes a Docker host (refused while dockerera instances run there)")
@Service
public class HostRemove implements Action {

    @Reference
    HostService hosts;

    @Argument(index = 0, name = "host", required = true, description = "Host id or URL")
    @Completion(HostCompleter.class)
    String host;

    @Option(name = "-f", aliases = "--force", description = "Remove even if instances run there or it is down")
    boolean force;

    @Override
    public Object execute() {
        hosts.remove(host, force);
        System.out.println("Removed host " + host);
        return null;
    }
}
