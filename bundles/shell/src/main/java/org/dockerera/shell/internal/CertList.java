package org.dockerera.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.dockerera.api.CertificateInfo;
import org.dockerera.shell.internal.completers.AppCompleter;

/** {@code dockerera:cert-list}. */
@Command(scope = "dockerera", name = "cert-list", description = "Lists an app's TLS certificates and its HTTPS redirect")
@Service
public class CertList implements Action {
    @Reference
    org.dockerera.api.CertificateService certificates;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Override
    public Object execute() {
        System.out.println(app + ": plain HTTP is " + (certificates.httpsRedirect(app) ? "redirected to HTTPS"
                : "served") + " for host names with a certificate");
        ShellTable table = new ShellTable();
        table.column("Domain");
        table.column("Names");
        table.column("Not after");
        table.column("SHA-256");
        for (CertificateInfo c : certificates.list(app)) {
            table.addRow().addContent(c.domain(), String.join(" ", c.names()), c.notAfter(), c.fingerprint());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
