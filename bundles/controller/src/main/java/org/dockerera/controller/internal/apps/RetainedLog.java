package org.dockerera.controller.internal.apps;

import java.time.Instant;
import java.util.List;
import org.dockerera.api.LogEntry;
import org.dockerera.spi.provider.LogLine;

/**
 * The last lines of an instance whose container the engine removed, as stored under {@code logs/<app>/<instance>}.
 *
 * @param captured when the engine read them, just before removing the container: the oldest captures go first
 */
record RetainedLog(String app, String instance, int release, String hostId, Instant captured, List<LogLine> lines) {
    RetainedLog {
        lines = lines == null ? List.of() : List.copyOf(lines);
    }

    RetainedLog withLines(List<LogLine> kept) {
        return new RetainedLog(app, instance, release, hostId, captured, kept);
    }

    List<LogEntry> entries() {
        return lines.stream().map(l -> new LogEntry(l.time(), instance, release, l.stream(), l.line())).toList();
    }
}
