package org.dockerera.shell.internal;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.dockerera.api.LogEntry;
import org.dockerera.api.LogQuery;
import org.dockerera.api.LogService;
import org.dockerera.shell.internal.completers.AppCompleter;

/** {@code dockerera:app-logs}. */
@Command(scope = "dockerera", name = "app-logs", description = "Prints an app's log: its instances' lines merged by "
        + "time, those of replaced and failed instances included; -f follows new lines until Ctrl-C")
@Service
public class AppLogs implements Action {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    @Reference
    LogService logs;

    @Argument(index = 0, name = "app", required = true, description = "App name")
    @Completion(AppCompleter.class)
    String app;

    @Option(name = "--tail", aliases = "-n", description = "The newest N lines across instances (default 100)")
    Integer tail;

    @Option(name = "--instance", aliases = "-i", description = "Only this instance's lines")
    String instance;

    @Option(name = "--follow", aliases = "-f", description = "Go on printing new lines (Ctrl-C stops)")
    boolean follow;

    @Override
    public Object execute() throws Exception {
        LogQuery query = new LogQuery(tail, null, instance);
        if (!follow) {
            for (LogEntry e : logs.logs(app, query)) {
                System.out.println(format(e));
            }
            return null;
        }
        // lines come on other threads: this one prints them (the session's output belongs to it)
        BlockingQueue<LogEntry> queue = new LinkedBlockingQueue<>();
        try (LogService.LogStream stream = logs.follow(app, query)) {
            stream.start(queue::add);
            while (!Thread.currentThread().isInterrupted()) {
                System.out.println(format(queue.take()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** {@code 2026-12-04T15:00:00.123Z i-9f8e r3 | line}, stderr lines marked {@code !}. */
    static String format(LogEntry e) {
        return TIME.format(e.time()) + " " + e.instance() + " r" + e.release() + ("stderr".equals(e.stream()) ? " ! "
                : " | ") + e.line();
    }
}
