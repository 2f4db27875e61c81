package org.dockerera.shell.internal;

import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.dockerera.api.DockereraException;
import org.dockerera.shell.internal.completers.AppCompleter;

/** {@code dockerera:https-redirect}. */
@Command(scope = "dockerera", name = "https-redirect", description = "Redirects (on) or serves (off) an app's "
        + "plain-HTTP requests for host names that have a certificate")
@Service
public class HttpsRedirect implements Action {
    @Reference
    org.dockerera.api.CertificateService certificates;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Argument(index = 1, name = "on|off", required = true, description = "on: 308 to https://; off: serve HTTP")
    @Completion(value = StringsCompleter.class, values = {"on", "off"})
    String setting;

    @Override
    public Object execute() {
        String s = setting.toLowerCase(Locale.ROOT);
        if (!s.equals("on") && !s.equals("off")) {
            throw DockereraException.invalid("invalid-setting", "https-redirect takes on or off, not " + setting);
        }
        boolean on = certificates.setHttpsRedirect(app, s.equals("on"));
        System.out.println(app + ": plain HTTP is " + (on ? "redirected to HTTPS" : "served")
                + " for host names with a certificate");
        return null;
    }
}
