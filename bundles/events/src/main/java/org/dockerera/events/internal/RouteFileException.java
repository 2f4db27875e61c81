package org.dockerera.events.internal;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.xml.io.XmlPullParserException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/** Why a route file did not load: a reason a person can act on and, where known, the line and column (1-based). */
public final class RouteFileException extends Exception {
    private static final long serialVersionUID = 1L;
    private static final Pattern POSITION = Pattern.compile("line (\\d+), column (\\d+)");

    private final Integer line;
    private final Integer column;

    RouteFileException(Integer line, Integer column, String reason) {
        super(reason);
        this.line = line;
        this.column = column;
    }

    private RouteFileException(Integer line, Integer column, String reason, Throwable cause) {
        super(reason, cause);
        this.line = line;
        this.column = column;
    }

    public Integer line() {
        return line;
    }

    public Integer column() {
        return column;
    }

    public String reason() {
        return getMessage();
    }

    /**
     * Turns what Camel threw into a reason and a position: YAML parser errors carry a mark, XML parser errors a
     * line and column; a route that could not be created or started is found by its id ({@code lines}, or else the
     * first line of {@code text} naming it).
     */
    static RouteFileException of(Throwable thrown, String text, Map<String, Integer> lines) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof RouteFileException r) {
                return r;
            }
        }
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException y) {
                Optional<Mark> mark = y.getProblemMark().or(y::getContextMark);
                String problem = y.getProblem() != null ? y.getProblem() : y.getContext();
                String reason = firstLine(problem == null ? y.getMessage() : problem);
                if (y.getContext() != null && y.getProblem() != null) {
                    reason = firstLine(y.getContext()) + ": " + reason;
                }
                return new RouteFileException(mark.map(m -> m.getLine() + 1).orElse(null),
                        mark.map(m -> m.getColumn() + 1).orElse(null), "YAML: " + reason, thrown);
            }
            if (t instanceof XmlPullParserException x) {
                return new RouteFileException(x.getLineNumber() > 0 ? x.getLineNumber() : null,
                        x.getColumnNumber() > 0 ? x.getColumnNumber() : null, "XML: " + firstLine(x.getMessage()), thrown);
            }
        }
        String routeId = null;
        for (Throwable t = thrown; t != null && routeId == null; t = t.getCause()) {
            if (t instanceof FailedToCreateRouteException f) {
                routeId = f.getRouteId();
            } else if (t instanceof FailedToStartRouteException f) {
                routeId = f.getRouteId();
            }
        }
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root.getMessage() == null ? root.getClass().getSimpleName() : firstLine(root.getMessage());
        Integer line = null;
        Integer column = null;
        Matcher m = POSITION.matcher(reason);
        if (m.find()) {
            line = Integer.parseInt(m.group(1));
            column = Integer.parseInt(m.group(2));
        }
        if (routeId != null) {
            reason = "route " + routeId + ": " + reason;
            if (line == null) {
                line = lines.getOrDefault(routeId, lineNaming(text, routeId));
            }
        }
        return new RouteFileException(line, column, reason, thrown);
    }

    /** The first line of {@code text} that names {@code id} as an id (YAML {@code id: x}, XML {@code id="x"}). */
    private static Integer lineNaming(String text, String id) {
        Pattern p = Pattern.compile("(?:\\bid\\s*:\\s*[\"']?|\\bid\\s*=\\s*[\"'])" + Pattern.quote(id) + "(?:[\"'\\s]|$)");
        String[] all = text.split("\n", -1);
        for (int i = 0; i < all.length; i++) {
            if (p.matcher(all[i]).find()) {
                return i + 1;
            }
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String trimmed = s.strip();
        int nl = trimmed.indexOf('\n');
        return nl < 0 ? trimmed : trimmed.substring(0, nl).strip();
    }
}
