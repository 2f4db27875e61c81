package org.dockerera.shell.internal.completers;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.dockerera.api.Token;
import org.dockerera.api.TokenService;

/** Completes token ids. */
@Service
public class TokenCompleter implements Completer {

    @Reference
    TokenService tokens;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        for (Token t : tokens.list()) {
            delegate.getStrings().add(t.id());
        }
        return delegate.complete(session, commandLine, candidates);
    }
}
