package org.dockerera.controller.internal.apps;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.dockerera.api.HealthCheck;
import org.dockerera.api.InstanceState;

/**
 * Probes each watched instance over HTTP on its published address: {@code GET path}, healthy on 2xx/3xx within the
 * timeout. A new instance is probed at once and then every {@code startIntervalMs} until it is healthy, then every
 * {@code intervalMs}; it turns healthy after {@code healthyThreshold} successes in a row and unhealthy after
 * {@code unhealthyThreshold} failures in a row. A connection refused, reset or closed before a response (Docker's
 * userland proxy accepts even when nothing listens inside) is a failure. Probes are asynchronous: no thread waits.
 */
final class HealthProber implements AutoCloseable {

    /** Told of every health change, on a prober thread. */
    interface Listener {
        void healthChanged(String app, String instanceId, InstanceState state, String detail);
    }

    /** The latest view of one instance. */
    record Status(InstanceState state, Instant since, String detail) {
    }

    private final Listener listener;
    private final ScheduledExecutorService timer;
    private final ExecutorService io;
    private final HttpClient client;
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();

    HealthProber(Listener listener) {
        this.listener = listener;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "dockerera-health-timer"));
        this.io = Executors.newFixedThreadPool(2, r -> daemon(r, "dockerera-health-io"));
        this.client = HttpClient.newBuilder().executor(io).connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Starts probing {@code address} (idempotent per instance and address). {@code initial}: the state last recorded,
     * kept until the probes say otherwise (so a controller restart does not take healthy instances out of routing).
     */
    void watch(String app, String instanceId, String address, HealthCheck check, InstanceState initial) {
        Probe existing = probes.get(instanceId);
        if (existing != null && existing.address.equals(address)) {
            return;
        }
        HealthCheck c = (check == null ? HealthCheck.DEFAULT : check).withDefaults();
        InstanceState start = initial == InstanceState.HEALTHY || initial == InstanceState.UNHEALTHY
                ? initial : InstanceState.STARTING;
        Probe p = new Probe(app, instanceId, address, c, start);
        Probe old = probes.put(instanceId, p);
        if (old != null) {
            old.cancel();
        }
        p.schedule(0);
    }

    /** Restarts the probe cycle of an instance whose container was restarted: starting again. */
    void restarted(String instanceId) {
        Probe p = probes.get(instanceId);
        if (p != null) {
            p.reset();
        }
    }

    void forget(String instanceId) {
        Probe p = probes.remove(instanceId);
        if (p != null) {
            p.cancel();
        }
    }

    Status status(String instanceId) {
        Probe p = probes.get(instanceId);
        return p == null ? null : p.status();
    }

    boolean watching(String instanceId) {
        return probes.containsKey(instanceId);
    }

    @Override
    public void close() {
        probes.values().forEach(Probe::cancel);
        probes.clear();
        timer.shutdownNow();
        io.shutdownNow();
    }

    private final class Probe {
        final String app;
        final String instanceId;
        final String address;
        final HealthCheck check;
        final URI uri;
        private InstanceState state;
        private Instant since = Instant.now();
        private String detail;
        private int successes;
        private int failures;
        private boolean everHealthy;
        private volatile boolean cancelled;
        private ScheduledFuture<?> next;

        Probe(String app, String instanceId, String address, HealthCheck check, InstanceState state) {
            this.app = app;
            this.instanceId = instanceId;
            this.address = address;
            this.check = check;
            this.state = state;
            this.everHealthy = state == InstanceState.HEALTHY;
            this.uri = URI.create("http://" + address + check.path());
        }

        synchronized Status status() {
            return new Status(state, since, detail);
        }

        synchronized void reset() {
            state = InstanceState.STARTING;
            since = Instant.now();
            successes = 0;
            failures = 0;
            everHealthy = false;
            if (next != null) {
                next.cancel(false);
            }
            schedule(0);
        }

        synchronized void schedule(long delayMs) {
            if (!cancelled) {
                next = timer.schedule(this::probe, delayMs, TimeUnit.MILLISECONDS);
            }
        }

        void cancel() {
            cancelled = true;
            synchronized (this) {
                if (next != null) {
                    next.cancel(false);
                }
            }
        }

        private void probe() {
            if (cancelled) {
                return;
            }
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(check.timeoutMs()))
                    .header("User-Agent", "dockerera-health").GET().build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                if (error != null) {
                    result(false, error.getClass().getSimpleName() + (error.getMessage() != null
                            ? ": " + error.getMessage() : ""));
                } else {
                    int code = response.statusCode();
                    result(code >= 200 && code < 400, "GET " + check.path() + " answered " + code);
                }
            });
        }

        private void result(boolean ok, String what) {
            InstanceState changedTo = null;
            long delay;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                detail = what;
                if (ok) {
                    successes++;
                    failures = 0;
                    if (state != InstanceState.HEALTHY && successes >= check.healthyThreshold()) {
                        changedTo = InstanceState.HEALTHY;
                        everHealthy = true;
                    }
                } else {
                    failures++;
                    successes = 0;
                    if (state == InstanceState.HEALTHY && failures >= check.unhealthyThreshold()) {
                        changedTo = InstanceState.UNHEALTHY;
                    }
                }
                if (changedTo != null) {
                    state = changedTo;
                    since = Instant.now();
                }
                delay = everHealthy ? check.intervalMs() : check.startIntervalMs();
            }
            if (changedTo != null) {
                listener.healthChanged(app, instanceId, changedTo, what);
            }
            schedule(delay);
        }
    }
}
