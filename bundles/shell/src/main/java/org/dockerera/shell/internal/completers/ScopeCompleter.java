package org.dockerera.shell.internal.completers;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.dockerera.api.TokenScope;

/** Completes token scopes. */
@Service
public class ScopeCompleter implements Completer {

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        for (TokenScope s : TokenScope.values()) {
            delegate.getStrings().add(s.toString());
        }
        return delegate.complete(session, commandLine, candidates);
    }
}
