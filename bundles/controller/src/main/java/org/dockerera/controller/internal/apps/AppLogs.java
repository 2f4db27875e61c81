package org.dockerera.controller.internal.apps;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.dockerera.api.InstanceState;
import org.dockerera.api.LogEntry;
import org.dockerera.api.LogQuery;
import org.dockerera.api.LogService;
import org.dockerera.spi.provider.HostConnection;
import org.dockerera.spi.provider.LogFollower;
import org.dockerera.spi.provider.LogLine;
import org.dockerera.spi.provider.LogOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apps' logs: the live instances' lines read from their hosts in parallel, merged with the lines the engine kept of
 * removed instances ({@link RetainedLog}); and followed logs, which attach to each running container's log stream and
 * notice, by reading the instance records every {@code poll}, instances that start later (attached from their first
 * line) and instances that went away (detached).
 */
final class AppLogs {
    private static final Logger LOG = LoggerFactory.getLogger(AppLogs.class);
    /** After a stream broke (host unreachable), wait this long before opening it again. */
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

    private final Ledger ledger;
    private final Function<String, Optional<HostConnection>> connections;
    private final ExecutorService blocking;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Duration poll;

    AppLogs(Ledger ledger, Function<String, Optional<HostConnection>> connections, ExecutorService blocking,
            ScheduledExecutorService timer, Clock clock, Duration poll) {
        this.ledger = ledger;
        this.connections = connections;
        this.blocking = blocking;
        this.timer = timer;
        this.clock = clock;
        this.poll = poll;
    }

    List<LogEntry> read(String app, LogQuery query) {
        return snapshot(app, query).entries();
    }

    LogService.LogStream follow(String app, LogQuery query) {
        return new Follow(app, query, snapshot(app, query));
    }

    /**
     * What the log holds now, and for each container read, per stream, the time after which a line is new: the
     * later of the read's start and the newest line it returned of that stream.
     */
    private record Snapshot(List<LogEntry> entries, Map<String, Map<String, Instant>> marks) {
    }

    private Snapshot snapshot(String app, LogQuery q) {
        ledger.requireApp(app);
        Instant start = clock.instant();
        List<InstanceRecord> live = ledger.instances(app).stream().filter(i -> i.containerId() != null)
                .filter(i -> q.instance() == null || q.instance().equals(i.id())).toList();
        int tail = q.lines();
        Map<String, CompletableFuture<List<LogLine>>> reads = new LinkedHashMap<>();
        for (InstanceRecord i : live) {
            reads.put(i.id(), tail == 0 ? CompletableFuture.completedFuture(List.of())
                    : CompletableFuture.supplyAsync(() -> connection(i.hostId())
                    .logs(i.containerId(), new LogOptions(tail, q.since())), blocking));
        }
        List<List<LogEntry>> sources = new ArrayList<>();
        Map<String, Map<String, Instant>> marks = new HashMap<>();
        Set<String> read = new HashSet<>();
        for (InstanceRecord i : live) {
            List<LogLine> lines;
            try {
                lines = reads.get(i.id()).join();
            } catch (CompletionException e) {
                LOG.debug("no logs of {} of {} from {}: {}", i.id(), app, i.hostId(), e.getCause().toString());
                continue;
            }
            read.add(i.id());
            Map<String, Instant> m = new HashMap<>();
            m.put(LogLine.STDOUT, start);
            m.put(LogLine.STDERR, start);
            for (LogLine l : lines) {
                m.merge(l.stream(), l.time(), (a, b) -> a.isAfter(b) ? a : b);
            }
            marks.put(i.containerId(), m);
            sources.add(lines.stream().map(l -> new LogEntry(l.time(), i.id(), i.release(), l.stream(), l.line()))
                    .toList());
        }
        if (tail > 0) {
            for (RetainedLog r : ledger.retainedLogs(app)) {
                if (!read.contains(r.instance())) {
                    sources.add(r.entries());
                }
            }
        }
        return new Snapshot(LogMerge.merge(sources, q.since(), q.instance(), tail), marks);
    }

    private HostConnection connection(String hostId) {
        return connections.apply(hostId).orElseThrow(() -> new IllegalStateException("host " + hostId
                + " is not monitored"));
    }

    /** One client following an app's log. */
    private final class Follow implements LogService.LogStream {
        private final String app;
        private final LogQuery query;
        private final Snapshot snapshot;
        private final Map<String, Attached> attached = new HashMap<>();
        private Consumer<LogEntry> listener;
        private ScheduledFuture<?> poller;
        private boolean closed;

        Follow(String app, LogQuery query, Snapshot snapshot) {
            this.app = app;
            this.query = query;
            this.snapshot = snapshot;
        }

        @Override
        public void start(Consumer<LogEntry> l) {
            synchronized (this) {
                if (closed || listener != null) {
                    return;
                }
                listener = l;
                for (LogEntry e : snapshot.entries()) {
                    deliver(e);
                }
            }
            look();
            synchronized (this) {
                if (!closed) {
                    long ms = Math.max(50, poll.toMillis());
                    poller = timer.scheduleWithFixedDelay(this::look, ms, ms, TimeUnit.MILLISECONDS);
                }
            }
        }

        /** Attaches to containers not followed yet (or whose stream ended while they run), detaches from gone ones. */
        private void look() {
            List<InstanceRecord> records;
            try {
                records = ledger.instances(app);
            } catch (RuntimeException e) {
                LOG.debug("cannot read the instances of {}: {}", app, e.toString());
                return;
            }
            Instant now = clock.instant();
            List<Attached> toOpen = new ArrayList<>();
            List<AutoCloseable> toClose = new ArrayList<>();
            synchronized (this) {
                if (closed) {
                    return;
                }
                Set<String> present = new HashSet<>();
                for (InstanceRecord r : records) {
                    if (r.containerId() == null || query.instance() != null && !query.instance().equals(r.id())) {
                        continue;
                    }
                    present.add(r.containerId());
                    Attached a = attached.get(r.containerId());
                    if (a == null) {
                        Map<String, Instant> marks = snapshot.marks().get(r.containerId());
                        a = new Attached(r, marks == null ? new HashMap<>() : new HashMap<>(marks));
                        attached.put(r.containerId(), a);
                    }
                    a.record = r;
                    if (a.handle == null && !a.opening && (!a.opened || runs(r)) && !now.isBefore(a.retryAt)) {
                        a.opening = true;
                        toOpen.add(a);
                    }
                }
                attached.entrySet().removeIf(e -> {
                    if (present.contains(e.getKey())) {
                        return false;
                    }
                    if (e.getValue().handle != null) {
                        toClose.add(e.getValue().handle);
                    }
                    e.getValue().gone = true;
                    return true;
                });
            }
            toClose.forEach(AppLogs::closeQuietly);
            for (Attached a : toOpen) {
                open(a);
            }
        }

        private boolean runs(InstanceRecord r) {
            return r.state() == InstanceState.STARTING || r.state() == InstanceState.HEALTHY
                    || r.state() == InstanceState.UNHEALTHY || r.state() == InstanceState.DRAINING;
        }

        private void open(Attached a) {
            InstanceRecord r = a.record;
            Optional<HostConnection> c = connections.apply(r.hostId());
            AutoCloseable handle = null;
            if (c.isPresent()) {
                Instant since = a.marks.values().stream().min(Instant::compareTo).orElse(null);
                try {
                    handle = c.get().followLogs(r.containerId(), new LogOptions(null, since), new LogFollower() {
                        @Override
                        public void line(LogLine line) {
                            Follow.this.line(a, line);
                        }

                        @Override
                        public void ended(Throwable failure) {
                            Follow.this.ended(a, failure);
                        }
                    });
                } catch (RuntimeException e) {
                    LOG.debug("cannot follow the log of {} of {}: {}", r.id(), app, e.toString());
                }
            }
            boolean closeNow = false;
            synchronized (this) {
                a.opening = false;
                a.opened = true;
                if (handle == null) {
                    a.retryAt = clock.instant().plus(RETRY_AFTER_FAILURE);
                } else if (closed || a.gone || a.endedWhileOpening) {
                    closeNow = closed || a.gone;
                    a.endedWhileOpening = false;
                } else {
                    a.handle = handle;
                }
            }
            if (closeNow) {
                closeQuietly(handle);
            }
        }

        private void line(Attached a, LogLine l) {
            synchronized (this) {
                if (closed || listener == null) {
                    return;
                }
                Instant mark = a.marks.get(l.stream());
                if (mark != null && !l.time().isAfter(mark)) {
                    return; // delivered already (or older than what was read)
                }
                a.marks.put(l.stream(), l.time());
                if (query.since() != null && l.time().isBefore(query.since())) {
                    return;
                }
                deliver(new LogEntry(l.time(), a.record.id(), a.record.release(), l.stream(), l.line()));
            }
        }

        private void ended(Attached a, Throwable failure) {
            synchronized (this) {
                if (a.handle == null) {
                    a.endedWhileOpening = a.opening;
                }
                a.handle = null;
                a.retryAt = clock.instant().plus(failure == null ? poll : RETRY_AFTER_FAILURE);
            }
            if (failure != null) {
                LOG.debug("the log stream of {} of {} broke: {}", a.record.id(), app, failure.toString());
            }
        }

        private void deliver(LogEntry e) {
            try {
                listener.accept(e);
            } catch (RuntimeException ex) {
                LOG.debug("a log listener of {} failed", app, ex);
            }
        }

        @Override
        public void close() {
            List<AutoCloseable> handles = new ArrayList<>();
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                if (poller != null) {
                    poller.cancel(false);
                }
                for (Attached a : attached.values()) {
                    if (a.handle != null) {
                        handles.add(a.handle);
                        a.handle = null;
                    }
                }
                attached.clear();
            }
            handles.forEach(AppLogs::closeQuietly);
        }
    }

    /** A container being followed. Guarded by its {@link Follow}. */
    private static final class Attached {
        InstanceRecord record;
        final Map<String, Instant> marks;
        AutoCloseable handle;
        boolean opening;
        boolean opened;
        boolean gone;
        boolean endedWhileOpening;
        Instant retryAt = Instant.MIN;

        Attached(InstanceRecord record, Map<String, Instant> marks) {
            this.record = record;
            this.marks = marks;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing a log stream failed", e);
        }
    }
}
