package org.dockerera.cli;

import java.io.PrintStream;
import java.util.Locale;

/** Output streams and whether they are a terminal (colours, progress bars) or a pipe (plain lines). */
public final class Terminal {
    private static final String RESET = "\u001b[0m";

    final PrintStream out;
    final PrintStream err;
    private final boolean interactive;
    private final boolean colour;

    public Terminal(PrintStream out, PrintStream err, boolean interactive, boolean colour) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
        this.colour = colour;
    }

    /** The process's own streams: a terminal when a console is attached, colours unless NO_COLOR or TERM=dumb. */
    public static Terminal system() {
        boolean tty = System.console() != null;
        String term = System.getenv("TERM");
        boolean colour = tty && System.getenv("NO_COLOR") == null && term != null && !"dumb".equals(term);
        return new Terminal(System.out, System.err, tty, colour);
    }

    public boolean interactive() {
        return interactive;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    String bold(String s) {
        return colour ? "\u001b[1m" + s + RESET : s;
    }

    String dim(String s) {
        return colour ? "\u001b[2m" + s + RESET : s;
    }

    String red(String s) {
        return colour ? "\u001b[31m" + s + RESET : s;
    }

    /** A state word coloured by what it means: green good, red bad, yellow in between. */
    String status(String s) {
        if (!colour || s == null) {
            return s == null ? "" : s;
        }
        switch (s.toLowerCase(Locale.ROOT)) {
            case "up": case "healthy": case "active": case "succeeded": case "running": case "serving":
                return "\u001b[32m" + s + RESET;
            case "down": case "failed": case "unhealthy": case "lost": case "stale":
                return "\u001b[31m" + s + RESET;
            default:
                return "\u001b[33m" + s + RESET;
        }
    }

    /** Length of a string as shown: ANSI escapes take no room. */
    static int visibleLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\u001b') {
                while (i < s.length() && s.charAt(i) != 'm') {
                    i++;
                }
            } else {
                n++;
            }
        }
        return n;
    }
}
