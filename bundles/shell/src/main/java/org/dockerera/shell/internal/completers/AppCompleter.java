package org.dockerera.shell.internal.completers;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.dockerera.api.App;
import org.dockerera.api.AppService;

/** Completes app names. */
@Service
public class AppCompleter implements Completer {

    @Reference
    AppService apps;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        for (App a : apps.list()) {
            delegate.getStrings().add(a.name());
        }
        return delegate.complete(session, commandLine, candidates);
    }
}
