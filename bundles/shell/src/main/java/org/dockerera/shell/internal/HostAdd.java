package org.dockerera.shell.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.dockerera.api.Capacity;
import org.dockerera.api.DockereraException;
import org.dockerera.api.Host;
import org.dockerera.api.HostService;
import org.dockerera.api.HostSpec;
import org.dockerera.api.TlsMaterial;

@Command(scope = "dockerera", name = "host-add", description = "Adds a Docker host (unix:///path/docker.sock, tcp://host:port)")
@Service
public class HostAdd implements Action {

    @Reference
    HostService hosts;

    @Argument(index = 0, name = "url", required = true, description = "unix:///var/run/docker.sock or tcp://127.0.0.2:2375")
    String url;

    @Option(name = "-l", aliases = "--label", multiValued = true, description = "Placement label key=value (repeatable)")
    List<String> labels;

    @Option(name = "--tls-ca", description = "CA certificate PEM file (TLS)")
    @Completion(FileCompleter.class)
    String tlsCa;

    @Option(name = "--tls-cert", description = "Client certificate PEM file (TLS)")
    @Completion(FileCompleter.class)
    String tlsCert;

    @Option(name = "--tls-key", description = "Client private key PEM file (TLS)")
    @Completion(FileCompleter.class)
    String tlsKey;

    @Option(name = "--cpus", description = "Override the schedulable CPUs")
    Double cpus;

    @Option(name = "--memory", description = "Override the schedulable memory in bytes")
    Long memory;

    @Option(name = "-f", aliases = "--force", description = "Add even if the host does not answer now")
    boolean force;

    @Override
    public Object execute() throws Exception {
        Map<String, String> map = new LinkedHashMap<>();
        if (labels != null) {
            for (String l : labels) {
                int eq = l.indexOf('=');
                if (eq <= 0) {
                    throw DockereraException.invalid("invalid-label", "label '" + l + "' must be key=value");
                }
                map.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        TlsMaterial tls = null;
        if (tlsCa != null || tlsCert != null || tlsKey != null) {
            if (tlsCa == null || tlsCert == null || tlsKey == null) {
                throw DockereraException.invalid("invalid-tls", "TLS needs all of --tls-ca, --tls-cert and --tls-key");
            }
            tls = new TlsMaterial(read(tlsCa), read(tlsCert), read(tlsKey));
        }
        Capacity capacity = cpus != null || memory != null ? new Capacity(cpus, memory) : null;
        Host h = hosts.add(new HostSpec(url, map, tls, capacity, force));
        System.out.println("Added host " + h.id() + " " + h.url() + " (" + h.status() + ")");
        return null;
    }

    private static String read(String file) throws IOException {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw DockereraException.invalid("invalid-tls", "cannot read " + file + ": " + e.getMessage());
        }
    }
}
