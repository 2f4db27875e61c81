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

/** {@code dockerera:env-list}. */
@Command(scope = "dockerera", name = "env-list", description = "Lists an app's environment, secrets masked")
@Service
public class EnvList implements Action {
    @Reference
    org.dockerera.api.AppService apps;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Override
    public Object execute() {
        for (org.dockerera.api.EnvVar v : apps.env(app)) {
            System.out.println(v.key() + "=" + v.value() + (v.secret() ? "  (secret)" : ""));
        }
        return null;
    }
}
