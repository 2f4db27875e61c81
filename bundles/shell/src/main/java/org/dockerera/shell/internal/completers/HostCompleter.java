package org.dockerera.shell.internal.completers;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.dockerera.api.Host;
import org.dockerera.api.HostService;

/** Completes host ids and URLs. */
@Service
public class HostCompleter implements Completer {

    @Reference
    HostService hosts;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        for (Host h : hosts.list()) {
            delegate.getStrings().add(h.id());
            delegate.getStrings().add(h.url());
        }
        return delegate.complete(session, commandLine, candidates);
    }
}
