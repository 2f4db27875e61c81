package org.dockerera.shell.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dockerera.api.DockereraException;

/** Parsing of command arguments shared by the commands. */
final class Args {
    private Args() {
    }

    /** {@code KEY=VALUE} pairs (the value may contain '=' and be empty). */
    static Map<String, String> assignments(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : pairs == null ? List.<String>of() : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw DockereraException.invalid("invalid-env", "'" + p + "' is not KEY=VALUE");
            }
            out.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return out;
    }

    /** {@code 512m}, {@code 1g}, {@code 1.5GiB}, {@code 268435456}: bytes. */
    static Long bytes(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String t = s.trim().toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "");
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g' || last == 't') {
            unit = switch (last) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                default -> 1L << 40;
            };
            t = t.substring(0, t.length() - 1);
        }
        try {
            double v = Double.parseDouble(t);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return Math.round(v * unit);
        } catch (NumberFormatException e) {
            throw DockereraException.invalid("invalid-resources", "'" + s + "' is not a size such as 256m or 1g");
        }
    }
}
