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

/** {@code dockerera:strategy-list}. */
@Command(scope = "dockerera", name = "strategy-list", description = "Lists the placement strategies on offer and the one in use")
@Service
public class StrategyList implements Action {
    @Reference
    org.dockerera.spi.scheduler.Scheduler scheduler;

    @Override
    public Object execute() {
        for (String s : scheduler.strategies()) {
            System.out.println((s.equals(scheduler.strategy()) ? "* " : "  ") + s);
        }
        return null;
    }
}
