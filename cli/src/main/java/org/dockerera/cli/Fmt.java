package org.dockerera.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Small formatting helpers for tables. */
final class Fmt {
    private Fmt() {
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    static String bytes(long b) {
        if (b <= 0) {
            return b == 0 ? "0" : "";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v >= 10 || u == 0 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v))
                + " " + units[u];
    }

    /** "3s ago", "5m ago", "2h ago", "4d ago" for an ISO instant; the text itself when it does not parse. */
    static String ago(String iso) {
        if (iso == null || iso.isEmpty()) {
            return "";
        }
        try {
            Duration d = Duration.between(Instant.parse(iso), Instant.now());
            if (d.isNegative()) {
                d = Duration.ZERO;
            }
            long s = d.getSeconds();
            if (s < 60) {
                return s + "s ago";
            }
            if (s < 3600) {
                return s / 60 + "m ago";
            }
            if (s < 86400) {
                return s / 3600 + "h ago";
            }
            return s / 86400 + "d ago";
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    static String labels(JsonNode labels) {
        List<String> kv = new ArrayList<>();
        if (labels != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                kv.add(e.getKey() + "=" + e.getValue().asText());
            }
        }
        return String.join(",", kv);
    }

    static String join(JsonNode array) {
        List<String> s = new ArrayList<>();
        if (array != null) {
            array.forEach(v -> s.add(v.asText()));
        }
        return String.join(",", s);
    }

    static String cpu(double cpus) {
        return cpus == Math.rint(cpus) ? String.valueOf((long) cpus) : String.format(Locale.ROOT, "%.2f", cpus);
    }

    /** First line only: errors and table cells are one line. */
    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
