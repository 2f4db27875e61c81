package org.dockerera.controller.internal.apps;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.dockerera.api.LogEntry;

/** The lines of several instances as one log: by time, filtered, the newest {@code tail} kept. Pure. */
final class LogMerge {
    private LogMerge() {
    }

    /**
     * @param sources each instance's lines (in the order it wrote them)
     * @param since   only lines at or after it; null for all
     * @param instance only this instance's; null for all
     * @param tail    the newest this many after merging
     * @return oldest first; lines with equal times keep their source's order, sources in the order given
     */
    static List<LogEntry> merge(List<List<LogEntry>> sources, Instant since, String instance, int tail) {
        List<LogEntry> all = new ArrayList<>();
        for (List<LogEntry> source : sources) {
            for (LogEntry e : source) {
                if ((since == null || !e.time().isBefore(since)) && (instance == null || instance.equals(e.instance()))) {
                    all.add(e);
                }
            }
        }
        all.sort(Comparator.comparing(LogEntry::time)); // stable
        int n = Math.max(0, tail);
        return all.size() > n ? List.copyOf(all.subList(all.size() - n, all.size())) : List.copyOf(all);
    }
}
