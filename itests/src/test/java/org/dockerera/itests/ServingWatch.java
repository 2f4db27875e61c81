package org.dockerera.itests;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches an app serve while something changes it: every 50 ms lists its instances through the API and asks each
 * one {@code GET /} on its published address. Each round is one observation: how many instances answered 2xx.
 * Zero downtime means no observation with fewer answering instances than wanted.
 */
public final class ServingWatch implements AutoCloseable {
    /** One round: when (ms after the start), how many instances were listed, how many answered 2xx, and each one. */
    public record Observation(long atMs, int listed, int answering, List<String> detail) {
        @Override
        public String toString() {
            return "+" + atMs + "ms " + answering + "/" + listed + " answering " + detail;
        }
    }

    private final Api api;
    private final String token;
    private final String app;
    private final long start = System.nanoTime();
    private final List<Observation> observations = new CopyOnWriteArrayList<>();
    private final AtomicInteger apiErrors = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "serving-watch");
        t.setDaemon(true);
        return t;
    });

    private ServingWatch(Api api, String token, String app) {
        this.api = api;
        this.token = token;
        this.app = app;
    }

    /** Starts watching {@code app}; the first observation is made at once. */
    public static ServingWatch start(Api api, String token, String app) {
        ServingWatch w = new ServingWatch(api, token, app);
        w.timer.scheduleWithFixedDelay(w::observe, 0, 50, TimeUnit.MILLISECONDS);
        return w;
    }

    private void observe() {
        JsonNode instances;
        try {
            // without stats: asking the hosts for them takes 1-2 s on these Docker 20.10 hosts, which spaced the
            // 50 ms observations a second apart
            Api.Response r = api.get("/api/apps/" + app + "/instances?stats=false", token);
            if (r.status() != 200) {
                apiErrors.incrementAndGet();
                return;
            }
            instances = r.json();
        } catch (RuntimeException e) {
            apiErrors.incrementAndGet();
            return;
        }
        int answering = 0;
        List<String> detail = new ArrayList<>();
        for (JsonNode i : instances) {
            String address = i.path("address").asText("");
            Probe.Answer a = address.isEmpty() ? null : Probe.get(address, "/");
            boolean ok = a != null && a.ok();
            if (ok) {
                answering++;
            }
            detail.add(i.path("id").asText() + "@" + address + " r" + i.path("release").asText() + " "
                    + i.path("state").asText(i.path("health").asText()) + " -> "
                    + (a == null ? "no answer" : a.status() + (ok ? " " + a.body().trim() : "")));
        }
        observations.add(new Observation((System.nanoTime() - start) / 1_000_000, instances.size(), answering, detail));
    }

    /** Stops watching (after the round in progress) and returns every observation. */
    public List<Observation> stop() {
        timer.shutdown();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(observations);
    }

    public List<Observation> observations() {
        return List.copyOf(observations);
    }

    /** Rounds in which the instance list could not be read. */
    public int apiErrors() {
        return apiErrors.get();
    }

    /**
     * The observations as lines, each one only when something changed since the previous (instances, states, who
     * answered), plus every one with fewer than {@code wanted} answering: a readable account of a failed check.
     */
    public static String timeline(List<Observation> seen, int wanted) {
        StringBuilder out = new StringBuilder();
        String last = null;
        for (Observation o : seen) {
            String key = o.listed() + "/" + o.answering() + " " + o.detail().stream()
                    .map(d -> d.replaceAll(" on \\S+$", "")).toList();
            if (!key.equals(last) || o.answering() < wanted) {
                out.append(o.answering() < wanted ? "  SHORT " : "        ").append(o).append('\n');
            }
            last = key;
        }
        return out.toString();
    }

    /** The observations in which fewer than {@code wanted} instances answered. */
    public List<Observation> below(int wanted) {
        return observations.stream().filter(o -> o.answering() < wanted).toList();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
