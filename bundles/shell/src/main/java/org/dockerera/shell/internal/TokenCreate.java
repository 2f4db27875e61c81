package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.dockerera.api.NewToken;
import org.dockerera.api.TokenScope;
import org.dockerera.api.TokenService;
import org.dockerera.shell.internal.completers.ScopeCompleter;

@Command(scope = "dockerera", name = "token-create", description = "Creates an API token; its secret is shown this once")
@Service
public class TokenCreate implements Action {

    @Reference
    TokenService tokens;

    @Argument(index = 0, name = "name", required = true, description = "A name for the token (e.g. ci-deployer)")
    String name;

    @Option(name = "-s", aliases = "--scope", description = "admin, deploy, read or router (default read)")
    @Completion(ScopeCompleter.class)
    String scope = "read";

    @Override
    public Object execute() {
        NewToken t = tokens.create(name, TokenScope.parse(scope));
        System.out.println("Created token " + t.id() + " (" + t.name() + ", scope " + t.scope() + ")");
        System.out.println(t.token());
        System.out.println("Store it now: it is not shown again.");
        return null;
    }
}
