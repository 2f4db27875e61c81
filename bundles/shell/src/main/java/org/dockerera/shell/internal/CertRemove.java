package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.dockerera.shell.internal.completers.AppCompleter;

/** {@code dockerera:cert-remove}. */
@Command(scope = "dockerera", name = "cert-remove", description = "Removes the TLS certificate of one of an app's host names")
@Service
public class CertRemove implements Action {
    @Reference
    org.dockerera.api.CertificateService certificates;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Argument(index = 1, name = "domain", required = true, description = "The host name")
    String domain;

    @Override
    public Object execute() {
        certificates.remove(app, domain);
        System.out.println(domain + " (" + app + "): no certificate; served over plain HTTP only");
        return null;
    }
}
