package org.dockerera.rest.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletResponse;
import org.dockerera.api.events.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/events}: every client is an async request with a non-blocking writer (servlet 3.1
 * {@link WriteListener}), so no thread is held per client and a slow client never blocks the event bus. Each client
 * has a bounded queue; one that falls {@code queueLimit} frames behind is disconnected (it reconnects, SSE clients do).
 * One timer thread sends a heartbeat comment to every client every {@code heartbeat}, which is also how a client
 * that went away is noticed: the write fails and its subscription is closed.
 */
final class EventStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);

    private final Json json;
    private final int queueLimit;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    EventStreams(Json json, Duration heartbeat, int queueLimit) {
        this.json = json;
        this.queueLimit = queueLimit;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dockerera-rest-sse-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, heartbeat.toMillis());
        timer.scheduleAtFixedRate(this::heartbeat, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Where a stream's source sends frames; {@link #end} completes the response once the queued frames are out. */
    interface Sink {
        void send(byte[] frame);

        void end();
    }

    /** What feeds one stream: starts sending to the sink, answers what stops it. */
    interface Source {
        AutoCloseable start(Sink sink) throws IOException;
    }

    /** Starts streaming {@code bus}'s events to this request's client. */
    Reply open(Exchange ex, EventBus bus) throws IOException {
        return open(ex, sink -> {
            EventBus.Subscription sub = bus.subscribe(event -> {
                String data;
                try {
                    data = json.writeString(event);
                } catch (IOException e) {
                    LOG.warn("cannot render event {} as JSON; not sent", event.type(), e);
                    return;
                }
                sink.send(SseFrames.event(event.type(), data));
            });
            return sub::close;
        });
    }

    /** Starts streaming what {@code source} sends to this request's client; a {@code HEAD} answers 200 and opens none. */
    Reply open(Exchange ex, Source source) throws IOException {
        return open(ex, source, 0);
    }

    /**
     * As {@link #open(Exchange, Source)}, for a source that sends a burst of {@code backlog} frames at its start (a
     * log's last lines): the client may fall that many frames further behind before it is disconnected.
     */
    Reply open(Exchange ex, Source source, int backlog) throws IOException {
        HttpServletResponse resp = ex.response();
        resp.setStatus(200);
        resp.setContentType("text/event-stream;charset=utf-8");
        if ("HEAD".equals(ex.method())) {
            return new Reply(200, null, Map.of());
        }
        resp.setHeader("Cache-Control", "no-cache, no-store");
        resp.setHeader("X-Accel-Buffering", "no");
        AsyncContext ctx = ex.request().startAsync();
        ctx.setTimeout(0);
        Stream s = new Stream(ctx, resp.getOutputStream(), queueLimit + Math.max(0, backlog));
        ctx.addListener(s);
        open.add(s);
        s.offer(SseFrames.OPEN);
        s.subscription = source.start(s);
        if (s.closed.get()) {
            closeQuietly(s.subscription);
        }
        resp.getOutputStream().setWriteListener(s);
        return Reply.ASYNC;
    }

    /** Runs {@code task} once after {@code delay} on the streams' timer thread (it must not block). */
    void later(Duration delay, Runnable task) {
        try {
            timer.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("streams are closed; not scheduled", e);
        }
    }

    int openCount() {
        return open.size();
    }

    /** Ends every stream (the bus went away, or the bundle stops); clients reconnect. */
    void closeAll() {
        for (Stream s : open) {
            s.close();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        closeAll();
    }

    private void heartbeat() {
        for (Stream s : open) {
            try {
                s.offer(SseFrames.HEARTBEAT);
            } catch (RuntimeException e) {
                LOG.debug("heartbeat failed", e);
                s.close();
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing a stream source failed", e);
        }
    }

    /** One client. */
    private final class Stream implements WriteListener, AsyncListener, Sink {
        private final AsyncContext ctx;
        private final ServletOutputStream out;
        private final Queue<byte[]> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger queued = new AtomicInteger();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile AutoCloseable subscription;
        private volatile boolean ending;
        /** Set once the container has called setWriteListener: writing before that is not allowed. */
        private volatile boolean ready;
        private boolean flushPending;
        private final int limit;

        Stream(AsyncContext ctx, ServletOutputStream out, int limit) {
            this.ctx = ctx;
            this.out = out;
            this.limit = limit;
        }

        @Override
        public void send(byte[] frame) {
            offer(frame);
        }

        @Override
        public void end() {
            ending = true;
            if (ready) {
                pump();
            }
        }

        void offer(byte[] frame) {
            if (closed.get()) {
                return;
            }
            if (queued.incrementAndGet() > limit) {
                LOG.info("event stream client fell {} frames behind; disconnecting it", limit);
                close();
                return;
            }
            queue.add(frame);
            if (ready) {
                pump();
            }
        }

        /** Writes queued frames while the container can take them without blocking; then flushes. */
        private synchronized void pump() {
            if (closed.get()) {
                return;
            }
            try {
                while (out.isReady()) {
                    byte[] frame = queue.poll();
                    if (frame == null) {
                        if (flushPending) {
                            flushPending = false;
                            out.flush();
                            continue;
                        }
                        if (ending) {
                            close();
                        }
                        return;
                    }
                    queued.decrementAndGet();
                    out.write(frame);
                    flushPending = true;
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("event stream client went away", e);
                close();
            }
        }

        @Override
        public void onWritePossible() {
            ready = true;
            pump();
        }

        @Override
        public void onError(Throwable t) {
            close();
        }

        void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            open.remove(this);
            queue.clear();
            closeQuietly(subscription);
            try {
                ctx.complete();
            } catch (RuntimeException e) {
                LOG.debug("completing an event stream failed", e);
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            close();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            close();
        }

        @Override
        public void onError(AsyncEvent event) {
            close();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // not restarted
        }
    }
}
