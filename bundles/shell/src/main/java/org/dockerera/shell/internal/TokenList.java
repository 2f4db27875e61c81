package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.dockerera.api.Token;
import org.dockerera.api.TokenService;

@Command(scope = "dockerera", name = "token-list", description = "Lists API tokens (never their secrets)")
@Service
public class TokenList implements Action {

    @Reference
    TokenService tokens;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("Name");
        table.column("Scope");
        table.column("Created");
        table.column("Last used");
        for (Token t : tokens.list()) {
            table.addRow().addContent(t.id(), t.name(), t.scope(), t.created(), Tables.ago(t.lastUsed()));
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
