package org.dockerera.spi.scheduler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.dockerera.api.DockereraException;

/**
 * One placement constraint of an app: {@code key==value} (the host's label {@code key} must be {@code value}),
 * {@code key!=value} (it must not be; a host without the label satisfies it) or {@code distinct-hosts} (never two
 * instances of the app on one host, even when that leaves instances unplaced).
 *
 * @param key      the label name; empty for {@code distinct-hosts}
 * @param operator the comparison
 * @param value    the label value compared with; empty for {@code distinct-hosts}
 */
public record Constraint(String key, Operator operator, String value) {
    /** How a constraint compares a host's labels. */
    public enum Operator {
        EQUALS("=="), NOT_EQUALS("!="), DISTINCT_HOSTS("distinct-hosts");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        /** {@code ==}, {@code !=} or {@code distinct-hosts}, as written in a constraint. */
        public String symbol() {
            return symbol;
        }
    }

    /** The problem type slug of every parse error. */
    public static final String INVALID = "invalid-constraint";
    private static final String USAGE = "write key==value, key!=value or distinct-hosts (e.g. env==prod)";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-/]*");
    private static final Pattern VALUE = Pattern.compile("[^\\s=!]+");

    /** The {@code distinct-hosts} constraint. */
    public static final Constraint DISTINCT_HOSTS = new Constraint("", Operator.DISTINCT_HOSTS, "");

    public Constraint {
        Objects.requireNonNull(operator, "operator");
        key = key == null ? "" : key;
        value = value == null ? "" : value;
        if (operator == Operator.DISTINCT_HOSTS) {
            if (!key.isEmpty() || !value.isEmpty()) {
                throw DockereraException.invalid(INVALID, "constraint distinct-hosts takes no label and no value");
            }
        } else {
            String problem = problem(key, value);
            if (problem != null) {
                throw DockereraException.invalid(INVALID, "constraint " + key + operator.symbol() + value + ": " + problem);
            }
        }
    }

    private static String problem(String key, String value) {
        if (!KEY.matcher(key).matches()) {
            return "label name '" + key + "' is not valid: use letters, digits and . _ - / (e.g. env==prod)";
        }
        if (!VALUE.matcher(value).matches()) {
            return "value '" + value + "' is not valid: it must be non-empty, without spaces, '=' or '!' (e.g. env==prod)";
        }
        return null;
    }

    /** {@code key==value}. */
    public static Constraint equal(String key, String value) {
        return new Constraint(key, Operator.EQUALS, value);
    }

    /** {@code key!=value}. */
    public static Constraint notEqual(String key, String value) {
        return new Constraint(key, Operator.NOT_EQUALS, value);
    }

    /**
     * Parses {@code key==value}, {@code key!=value} or {@code distinct-hosts}; blanks around the operator are allowed.
     *
     * @throws DockereraException {@link DockereraException.Kind#INVALID} (422, type {@value #INVALID}) saying what is
     *                            wrong and how to write it
     */
    public static Constraint parse(String text) {
        if (text == null || text.isBlank()) {
            throw DockereraException.invalid(INVALID, "constraint is empty: " + USAGE);
        }
        String t = text.strip();
        if (t.equals(Operator.DISTINCT_HOSTS.symbol())) {
            return DISTINCT_HOSTS;
        }
        int eq = t.indexOf("==");
        int ne = t.indexOf("!=");
        if (eq < 0 && ne < 0) {
            throw DockereraException.invalid(INVALID, "constraint '" + t + "' has no operator: " + USAGE);
        }
        Operator op = eq >= 0 && (ne < 0 || eq < ne) ? Operator.EQUALS : Operator.NOT_EQUALS;
        int at = op == Operator.EQUALS ? eq : ne;
        String key = t.substring(0, at).strip();
        String value = t.substring(at + 2).strip();
        if (key.isEmpty()) {
            throw DockereraException.invalid(INVALID, "constraint '" + t + "' has no label name before '" + op.symbol()
                    + "': " + USAGE);
        }
        if (value.isEmpty()) {
            throw DockereraException.invalid(INVALID, "constraint '" + t + "' has no value after '" + op.symbol()
                    + "': " + USAGE);
        }
        if (value.contains("==") || value.contains("!=")) {
            throw DockereraException.invalid(INVALID, "constraint '" + t + "' has more than one operator: " + USAGE);
        }
        String problem = problem(key, value);
        if (problem != null) {
            throw DockereraException.invalid(INVALID, "constraint '" + t + "': " + problem);
        }
        return new Constraint(key, op, value);
    }

    /** Parses each of {@code texts} with {@link #parse}; null is no constraints. */
    public static List<Constraint> parseAll(Collection<String> texts) {
        if (texts == null) {
            return List.of();
        }
        List<Constraint> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(parse(t));
        }
        return List.copyOf(out);
    }

    /** Whether this is a label constraint ({@code ==} or {@code !=}), i.e. one decided by a host's labels alone. */
    public boolean isLabel() {
        return operator != Operator.DISTINCT_HOSTS;
    }

    /** Whether a host with these labels satisfies this label constraint; {@code distinct-hosts} always matches here. */
    public boolean matches(Map<String, String> labels) {
        return switch (operator) {
            case EQUALS -> value.equals(labels.get(key));
            case NOT_EQUALS -> !value.equals(labels.get(key));
            case DISTINCT_HOSTS -> true;
        };
    }

    /**
     * Why a host with these labels fails this constraint, e.g. {@code constraint env==prod: label env is 'dev'}, or
     * null when it {@link #matches}.
     */
    public String rejection(Map<String, String> labels) {
        if (matches(labels)) {
            return null;
        }
        String actual = labels.get(key);
        return "constraint " + this + ": " + (actual == null ? "no label " + key : "label " + key + " is '" + actual + "'");
    }

    /** The constraint as written: {@code env==prod}, {@code disk!=hdd}, {@code distinct-hosts}. */
    @Override
    public String toString() {
        return operator == Operator.DISTINCT_HOSTS ? operator.symbol() : key + operator.symbol() + value;
    }
}
