package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.dockerera.api.TokenService;
import org.dockerera.shell.internal.completers.TokenCompleter;

@Command(scope = "dockerera", name = "token-revoke", description = "Revokes an API token")
@Service
public class TokenRevoke implements Action {

    @Reference
    TokenService tokens;

    @Argument(index = 0, name = "id", required = true, description = "Token id (see token-list)")
    @Completion(TokenCompleter.class)
    String id;

    @Override
    public Object execute() {
        tokens.revoke(id);
        System.out.println("Revoked token " + id);
        return null;
    }
}
