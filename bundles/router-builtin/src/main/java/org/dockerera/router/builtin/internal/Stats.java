package org.dockerera.router.builtin.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.dockerera.spi.router.RouterBackend.AppStats;

/** Per-app counters, lock-free on the hot path. */
final class Stats {
    static final long[] BUCKETS_MS = {1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};

    static final class App {
        final LongAdder requests = new LongAdder();
        final LongAdder[] statuses = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
                new LongAdder()};
        final LongAdder retries = new LongAdder();
        final LongAdder[] latency = new LongAdder[BUCKETS_MS.length + 1];

        App() {
            for (int i = 0; i < latency.length; i++) {
                latency[i] = new LongAdder();
            }
        }
    }

    private final Map<String, App> apps = new ConcurrentHashMap<>();

    App app(String name) {
        return apps.computeIfAbsent(name, n -> new App());
    }

    void record(String app, int status, long nanos) {
        App a = app(app);
        a.requests.increment();
        int cls = status / 100;
        if (cls >= 1 && cls <= 5) {
            a.statuses[cls - 1].increment();
        }
        long ms = nanos / 1_000_000;
        int i = 0;
        while (i < BUCKETS_MS.length && ms > BUCKETS_MS[i]) {
            i++;
        }
        a.latency[i].increment();
    }

    void retried(String app) {
        app(app).retries.increment();
    }

    Map<String, AppStats> snapshot() {
        Map<String, AppStats> out = new TreeMap<>();
        apps.forEach((name, a) -> {
            Map<String, Long> statuses = new LinkedHashMap<>();
            for (int c = 1; c <= 5; c++) {
                long n = a.statuses[c - 1].sum();
                if (n > 0) {
                    statuses.put(c + "xx", n);
                }
            }
            Map<String, Long> buckets = new LinkedHashMap<>();
            long cumulative = 0;
            for (int i = 0; i < a.latency.length; i++) {
                cumulative += a.latency[i].sum();
                buckets.put(i < BUCKETS_MS.length ? Long.toString(BUCKETS_MS[i]) : "+Inf", cumulative);
            }
            out.put(name, new AppStats(a.requests.sum(), statuses, a.retries.sum(), buckets));
        });
        return out;
    }
}
