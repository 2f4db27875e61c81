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

/** {@code dockerera:app-add}. */
@Command(scope = "dockerera", name = "app-add", description = "Creates an app (deploy an image to run it)")
@Service
public class AppAdd implements Action {
    @Reference
    org.dockerera.api.AppService apps;

    @Option(name = "-i", aliases = "--instances", description = "Instances (default 2; 0 = stopped)")
    Integer instances;
    @Option(name = "-p", aliases = "--port", description = "Port the app listens on in its container (default 8080)")
    Integer port;
    @Option(name = "--type", description = "web (routed, default) or worker")
    String type;
    @Option(name = "--health-path", description = "Health check path (default /)")
    String healthPath;
    @Option(name = "--health-interval", description = "Health check period in ms once healthy (default 2000)")
    Integer healthInterval;
    @Option(name = "--start-timeout", description = "How long a new instance may take to become healthy, ms (default 60000)")
    Integer startTimeout;
    @Option(name = "--cpu", description = "CPUs requested per instance (placement)")
    Double cpu;
    @Option(name = "--memory", description = "Memory requested per instance: 256m, 1g")
    String memory;
    @Option(name = "--cpu-limit", description = "CPU limit per instance")
    Double cpuLimit;
    @Option(name = "--memory-limit", description = "Memory limit per instance: 512m, 1g")
    String memoryLimit;
    @Option(name = "-c", aliases = "--constraint", multiValued = true, description = "Placement constraint: env==prod, disk!=hdd, distinct-hosts")
    java.util.List<String> constraints;
    @Option(name = "--drain-timeout", description = "ms out of routing before SIGTERM (default 2000)")
    Integer drainTimeout;
    @Option(name = "--stop-timeout", description = "ms from SIGTERM to SIGKILL (default 10000)")
    Integer stopTimeout;
    @Option(name = "--restart-policy", description = "no, on-failure (default), always, unless-stopped")
    String restartPolicy;
    @Option(name = "--command", multiValued = true, description = "Command and arguments overriding the image's (repeat)")
    java.util.List<String> command;

    @Argument(index = 0, name = "name", required = true, description = "App name, a DNS name such as my.app.com")
    String name;

    @Override
    public Object execute() {
        org.dockerera.api.HealthCheck health = healthPath == null && healthInterval == null && startTimeout == null
                ? null : new org.dockerera.api.HealthCheck(healthPath, healthInterval, null, null, null, null, startTimeout);
        org.dockerera.api.Resources res = cpu == null && memory == null && cpuLimit == null && memoryLimit == null
                ? null : new org.dockerera.api.Resources(cpu, Args.bytes(memory), cpuLimit, Args.bytes(memoryLimit));
        org.dockerera.api.ProcessType t = type == null ? null
                : org.dockerera.api.ProcessType.valueOf(type.trim().toUpperCase(java.util.Locale.ROOT));
        org.dockerera.api.App a = apps.create(new org.dockerera.api.AppSpec(name, instances, t, port, command, health,
                res, restartPolicy, drainTimeout, stopTimeout, constraints));
        System.out.println("Created app " + a.name() + " (" + a.instances() + " instance(s), port " + a.port()
                + "); deploy it with dockerera:app-deploy " + a.name() + " REGISTRY/IMAGE:TAG");
        return null;
    }
}
