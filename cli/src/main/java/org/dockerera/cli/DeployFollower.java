package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * Follows one deploy over {@code GET /api/deploys/{id}/events} until it ends: a progress bar redrawn in place on a
 * terminal, one plain line per event otherwise. Succeeds only when the deploy succeeded (and, for a deploy that made
 * a release, that release is active).
 */
final class DeployFollower {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final Api api;
    private final Terminal term;
    private final int wanted;
    private int started;
    private int healthy;
    private int drained;
    private int failedInstances;
    private long release = -1;
    private String progress = "";
    private JsonNode end;
    private boolean barShown;

    DeployFollower(Api api, Terminal term, int wanted) {
        this.api = api;
        this.term = term;
        this.wanted = wanted;
    }

    /** What a command that started a deploy prints when it does not wait. */
    static int accepted(Terminal term, JsonNode deploy) {
        term.out().println("Deploy " + deploy.path("id").asText() + " (" + deploy.path("kind").asText() + ") of "
                + deploy.path("app").asText() + " accepted: " + deploy.path("status").asText()
                + "; add --wait to follow it");
        return 0;
    }

    /** Follows the deploy to its end: 0 when it succeeded, else a {@link CliException} with the reason. */
    int follow(JsonNode deploy) {
        String id = deploy.path("id").asText();
        if (!term.interactive()) {
            term.out().println("Deploy " + id + " (" + deploy.path("kind").asText() + ") of "
                    + deploy.path("app").asText() + ": following its events");
        }
        api.stream("/deploys/" + Api.seg(id) + "/events", null, e -> {
            onEvent(e.event(), e.json());
            return end == null;
        });
        if (barShown) {
            term.out().println();
        }
        JsonNode d = api.get("/deploys/" + Api.seg(id));
        String status = d.path("status").asText();
        if (end == null && !"succeeded".equals(status) && !"failed".equals(status)) {
            throw CliException.unreachable("the event stream of deploy " + id + " ended before the deploy did ("
                    + status + "); see `dockerera releases`");
        }
        if (d.has("release")) {
            release = d.get("release").asLong();
        }
        if ("failed".equals(status)) {
            throw CliException.failed("deploy " + id + " failed: " + Fmt.firstLine(d.path("message").asText(
                    end == null ? "" : end.path("message").asText())));
        }
        if (release > 0) {
            JsonNode r = api.get(Dockerera.appPath(d.path("app").asText()) + "/releases/" + release);
            if (!"active".equals(r.path("status").asText())) {
                throw CliException.failed("deploy " + id + " ended but release v" + release + " is "
                        + r.path("status").asText() + " (" + Fmt.firstLine(r.path("message").asText()) + ")");
            }
            term.out().println("Release v" + release + " of " + d.path("app").asText() + " is active ("
                    + r.path("image").asText() + ")");
        } else {
            term.out().println("Deploy " + id + " done: " + Fmt.firstLine(d.path("message").asText()));
        }
        return 0;
    }

    private void onEvent(String type, JsonNode e) {
        if (e.has("release") && release < 0) {
            release = e.get("release").asLong();
        }
        switch (type) {
            case "instance.started":
                started++;
                break;
            case "instance.healthy":
                healthy++;
                break;
            case "instance.stopped":
                drained++;
                break;
            case "instance.failed":
                failedInstances++;
                break;
            case "deploy.progress":
                progress = e.path("message").asText();
                break;
            case "deploy.succeeded":
            case "deploy.failed":
                end = e;
                break;
            default:
                break;
        }
        if (term.interactive()) {
            drawBar();
        } else {
            String msg = e.path("message").asText();
            String[] lines = msg.split("\n");
            term.out().println(clock(e.path("time").asText()) + "  " + type
                    + (e.has("instance") ? " " + e.get("instance").asText() : "") + (lines[0].isEmpty() ? "" : "  " + lines[0]));
            for (int i = 1; i < lines.length; i++) {
                term.out().println("          " + lines[i]);
            }
        }
    }

    private void drawBar() {
        int width = 24;
        int total = Math.max(wanted, 1);
        int done = Math.min(healthy, total);
        char[] bar = new char[width];
        Arrays.fill(bar, 0, done * width / total, '#');
        Arrays.fill(bar, done * width / total, width, '.');
        String line = "\r[" + new String(bar) + "] " + healthy + "/" + wanted + " healthy, " + started + " started, "
                + drained + " drained" + (failedInstances > 0 ? ", " + term.red(failedInstances + " failed") : "")
                + (release > 0 ? "  v" + release : "") + (progress.isEmpty() ? "" : "  " + term.dim(progress));
        term.out().print(line + "\u001b[K");
        term.out().flush();
        barShown = true;
    }

    private static String clock(String iso) {
        try {
            return CLOCK.format(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }
}
