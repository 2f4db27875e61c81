package org.dockerera.shell.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.dockerera.api.CertificateInfo;
import org.dockerera.api.DockereraException;
import org.dockerera.shell.internal.completers.AppCompleter;

/** {@code dockerera:cert-add}. */
@Command(scope = "dockerera", name = "cert-add", description = "Uploads the TLS certificate and key of one of an "
        + "app's host names (PEM files); routers serve it over HTTPS from the next route table on")
@Service
public class CertAdd implements Action {
    @Reference
    org.dockerera.api.CertificateService certificates;

    @Option(name = "--cert", required = true, description = "PEM file: the certificate, then any intermediates")
    @Completion(FileCompleter.class)
    String cert;

    @Option(name = "--key", required = true, description = "PEM file: its private key (PKCS#8 or PKCS#1 RSA)")
    @Completion(FileCompleter.class)
    String key;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Argument(index = 1, name = "domain", required = true, description = "The host name: the app's name or one of "
            + "its domains")
    String domain;

    @Override
    public Object execute() {
        CertificateInfo c = certificates.put(app, domain, read(cert, "--cert"), read(key, "--key"));
        System.out.println(c.domain() + " (" + app + "): certificate for " + String.join(", ", c.names())
                + ", valid until " + c.notAfter() + ", sha256 " + c.fingerprint());
        return null;
    }

    static String read(String file, String option) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw DockereraException.invalid("unreadable-file", option + " " + file + " cannot be read: "
                    + e.getMessage());
        }
    }
}
