package org.dockerera.rest.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.dockerera.api.AppService;
import org.dockerera.api.DockereraException;
import org.dockerera.api.LogEntry;
import org.dockerera.api.LogQuery;
import org.dockerera.api.LogService;
import org.dockerera.api.Run;
import org.dockerera.api.RunRequest;
import org.dockerera.api.RunService;
import org.dockerera.api.RunStatus;

/** Recording log and run services over {@link FakeApps}: what the REST layer asks, and lines a test writes. */
final class FakeLogsAndRuns {
    private final AppService apps;
    /** Every app's log so far. */
    final Map<String, List<LogEntry>> log = new ConcurrentHashMap<>();
    /** What was asked: {@code logs app tail since instance}, {@code follow …}, {@code run app [cmd] {env} by}. */
    final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    final Map<String, FakeRun> runs = new ConcurrentHashMap<>();

    FakeLogsAndRuns(AppService apps) {
        this.apps = apps;
    }

    /** A line written by an instance: stored, and sent to the app's followers. */
    void write(String app, LogEntry e) {
        log.computeIfAbsent(app, k -> new CopyOnWriteArrayList<>()).add(e);
        for (Follower f : followers) {
            if (f.app.equals(app)) {
                f.send(e);
            }
        }
    }

    int openFollowers() {
        return (int) followers.stream().filter(f -> !f.closed).count();
    }

    private List<LogEntry> select(String app, LogQuery q) {
        List<LogEntry> all = log.getOrDefault(app, List.of()).stream()
                .filter(e -> q.since() == null || !e.time().isBefore(q.since()))
                .filter(e -> q.instance() == null || q.instance().equals(e.instance())).toList();
        return all.subList(Math.max(0, all.size() - q.lines()), all.size());
    }

    final LogService logService = new LogService() {
        @Override
        public List<LogEntry> logs(String app, LogQuery query) {
            apps.get(app);
            calls.add("logs " + app + " " + query.tail() + " " + query.since() + " " + query.instance());
            return select(app, query);
        }

        @Override
        public LogStream follow(String app, LogQuery query) {
            apps.get(app);
            calls.add("follow " + app + " " + query.tail() + " " + query.since() + " " + query.instance());
            Follower f = new Follower(app, select(app, query));
            followers.add(f);
            return f;
        }
    };

    private static final class Follower implements LogService.LogStream {
        final String app;
        final List<LogEntry> backlog;
        volatile Consumer<LogEntry> listener;
        volatile boolean closed;

        Follower(String app, List<LogEntry> backlog) {
            this.app = app;
            this.backlog = backlog;
        }

        @Override
        public synchronized void start(Consumer<LogEntry> l) {
            backlog.forEach(l);
            listener = l;
        }

        synchronized void send(LogEntry e) {
            if (listener != null && !closed) {
                listener.accept(e);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A run whose output and exit a test drives. */
    static final class FakeRun {
        volatile Run run;
        final List<String[]> output = new CopyOnWriteArrayList<>();
        final List<RunService.OutputListener> readers = new CopyOnWriteArrayList<>();

        FakeRun(Run run) {
            this.run = run;
        }

        synchronized void print(String stream, String line) {
            output.add(new String[] {stream, line});
            readers.forEach(r -> r.line(stream, line));
        }

        synchronized void exit(int code) {
            run = new Run(run.id(), run.app(), run.release(), run.image(), run.host(), run.command(), RunStatus.EXITED,
                    code, run.created(), Fakes.T0.plusSeconds(5));
            readers.forEach(r -> r.exit(code));
            readers.clear();
        }
    }

    final RunService runService = new RunService() {
        @Override
        public Run start(String app, RunRequest request, String actor) {
            request.validate();
            if (apps.get(app).activeRelease() == null) {
                throw DockereraException.conflict("not-deployed", "app " + app + " has no active release");
            }
            calls.add("run " + app + " " + request.command() + " " + new java.util.TreeMap<>(request.env()) + " by "
                    + actor);
            Run r = new Run("r-" + (runs.size() + 1), app, 2, "127.0.0.1:5000/web@sha256:abc", "h1",
                    request.command(), RunStatus.RUNNING, null, Fakes.T0, null);
            runs.put(r.id(), new FakeRun(r));
            return r;
        }

        private FakeRun find(String app, String id) {
            apps.get(app);
            FakeRun r = runs.get(id);
            if (r == null || !r.run.app().equals(app)) {
                throw DockereraException.notFound("run-not-found", "no run " + id);
            }
            return r;
        }

        @Override
        public Run get(String app, String id) {
            return find(app, id).run;
        }

        @Override
        public RunOutput output(String app, String id) {
            FakeRun r = find(app, id);
            return new RunOutput() {
                private OutputListener listener;

                @Override
                public void start(OutputListener l) {
                    synchronized (r) {
                        listener = l;
                        for (String[] o : new ArrayList<>(r.output)) {
                            l.line(o[0], o[1]);
                        }
                        if (r.run.status() == RunStatus.EXITED) {
                            l.exit(r.run.exitCode());
                        } else {
                            r.readers.add(l);
                        }
                    }
                }

                @Override
                public void close() {
                    r.readers.remove(listener);
                }
            };
        }

        @Override
        public void remove(String app, String id) {
            find(app, id);
            calls.add("remove run " + id);
            runs.remove(id);
        }
    };

    static LogEntry entry(int second, String instance, String stream, String line) {
        return new LogEntry(Instant.parse("2026-12-04T15:00:00.123456789Z").plusSeconds(second), instance, 2, stream,
                line);
    }
}
