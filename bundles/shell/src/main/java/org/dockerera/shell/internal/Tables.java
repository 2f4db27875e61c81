package org.dockerera.shell.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

/** Formatting shared by the commands. */
final class Tables {
    private Tables() {
    }

    static String ago(Instant when) {
        if (when == null) {
            return "never";
        }
        long s = Math.max(0, Duration.between(when, Instant.now()).getSeconds());
        if (s < 60) {
            return s + "s ago";
        }
        if (s < 3600) {
            return (s / 60) + "m ago";
        }
        if (s < 86400) {
            return (s / 3600) + "h ago";
        }
        return (s / 86400) + "d ago";
    }

    static String labels(Map<String, String> labels) {
        return labels == null || labels.isEmpty() ? "" : labels.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(","));
    }

    static String bytes(long b) {
        if (b <= 0) {
            return "-";
        }
        double gib = b / (1024.0 * 1024 * 1024);
        return gib >= 1 ? String.format("%.1f GiB", gib) : String.format("%d MiB", b / (1024 * 1024));
    }

    static String cpus(double c) {
        return c <= 0 ? "-" : (c == Math.rint(c) ? String.valueOf((long) c) : String.valueOf(c));
    }

    static String orDash(Object o) {
        return o == null ? "-" : o.toString();
    }
}
