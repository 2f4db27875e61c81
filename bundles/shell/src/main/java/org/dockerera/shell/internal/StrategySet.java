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

/** {@code dockerera:strategy-set}: {@code strategy} in etc/org.dockerera.scheduler.cfg, applied at once. */
@Command(scope = "dockerera", name = "strategy-set", description = "Chooses the placement strategy (spread, binpack, random, ...), at run time")
@Service
public class StrategySet implements Action {
    @Reference
    org.osgi.service.cm.ConfigurationAdmin configs;
    @Reference
    org.dockerera.spi.scheduler.Scheduler scheduler;

    @Argument(index = 0, name = "strategy", required = true, description = "Strategy name")
    @Completion(org.dockerera.shell.internal.completers.StrategyCompleter.class)
    String strategy;

    @Override
    public Object execute() throws Exception {
        if (!scheduler.strategies().contains(strategy)) {
            throw org.dockerera.api.DockereraException.invalid("unknown-strategy", "no strategy '" + strategy
                    + "' is installed; installed: " + String.join(", ", scheduler.strategies()));
        }
        org.osgi.service.cm.Configuration c = configs.getConfiguration("org.dockerera.scheduler", null);
        java.util.Dictionary<String, Object> props = c.getProperties();
        if (props == null) {
            props = new java.util.Hashtable<>();
        }
        props.put("strategy", strategy);
        c.update(props);
        System.out.println("Placement strategy: " + strategy + " (was " + scheduler.strategy() + ")");
        return null;
    }
}
