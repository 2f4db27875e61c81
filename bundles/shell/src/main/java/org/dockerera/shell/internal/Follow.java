package org.dockerera.shell.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.ZoneId;
import java.util.List;
import org.dockerera.api.Deploy;
import org.dockerera.api.DeployService;
import org.dockerera.api.DeployStatus;
import org.dockerera.api.DockereraException;
import org.dockerera.api.events.Event;

/**
 * Prints a deploy's events as they come until it ends. Interrupted (Ctrl-C): the deploy goes on and its id is
 * printed. A failed deploy ends in an exception, so the command fails with one line (and bin/client exits non-zero).
 */
final class Follow {
    static final Duration POLL = Duration.ofMillis(250);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    /** How the loop waits between polls: sleeps in the shell, instant in tests. */
    interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    private Follow() {
    }

    static Deploy follow(DeployService deploys, Deploy started, PrintStream out, Pause pause) {
        out.println("deploy " + started.id() + " (" + started.kind() + " of " + started.app() + ") " + started.status()
                + "; following (Ctrl-C stops following, not the deploy)");
        int seen = 0;
        try {
            while (true) {
                List<Event> events = deploys.events(started.id());
                for (int i = seen; i < events.size(); i++) {
                    Event e = events.get(i);
                    out.println("  " + TIME.format(e.time()) + "  " + e.type() + "  " + Tables.orDash(e.message()));
                }
                seen = Math.max(seen, events.size());
                Deploy d = deploys.get(started.id());
                if (d.status() == DeployStatus.SUCCEEDED) {
                    out.println("deploy " + d.id() + " succeeded" + (d.release() != null ? ": release " + d.release()
                            : "") + (d.message() != null ? " (" + d.message() + ")" : ""));
                    return d;
                }
                if (d.status() == DeployStatus.FAILED) {
                    throw new DockereraException(DockereraException.Kind.CONFLICT, "deploy-failed", "Deploy failed",
                            "deploy " + d.id() + " failed: " + firstLine(d.message()));
                }
                pause.pause(POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("stopped following; deploy " + started.id() + " goes on (dockerera:deploy-info "
                    + started.id() + ")");
            return deploys.get(started.id());
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no reason given)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
