package org.dockerera.shell.internal.completers;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.dockerera.spi.scheduler.Scheduler;

/** Completes the placement strategies on offer. */
@Service
public class StrategyCompleter implements Completer {

    @Reference
    Scheduler scheduler;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(scheduler.strategies()).complete(session, commandLine, candidates);
    }
}
