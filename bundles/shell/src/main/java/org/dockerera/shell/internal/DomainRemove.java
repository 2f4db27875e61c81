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

/** {@code dockerera:domain-remove}. */
@Command(scope = "dockerera", name = "domain-remove", description = "Removes a host name from an app")
@Service
public class DomainRemove implements Action {
    @Reference
    org.dockerera.api.DomainService domains;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Argument(index = 1, name = "domain", required = true, description = "The domain")
    String domain;

    @Override
    public Object execute() {
        System.out.println(app + " answers to: " + app + " " + String.join(" ", domains.remove(app, domain)));
        return null;
    }
}
