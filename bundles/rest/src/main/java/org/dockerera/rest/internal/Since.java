package org.dockerera.rest.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code since} of a log query: an ISO-8601 instant ({@code 2026-12-04T15:00:00Z}, an offset allowed), a
 * duration back from now ({@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}, {@code 1h30m}, {@code 500ms}, or ISO's
 * {@code PT10M}), or Unix seconds as Docker takes them ({@code 1764860400}). Pure.
 */
final class Since {
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern DURATION = Pattern.compile("(?:\\d{1,9}(?:ms|s|m|h|d))+");

    private Since() {
    }

    /** Null for null or blank. @throws ApiProblem 400 {@code invalid-parameter} for anything else unreadable */
    static Instant parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        String lower = v.toLowerCase(Locale.ROOT);
        try {
            if (DURATION.matcher(lower).matches()) {
                Duration d = Duration.ZERO;
                Matcher m = PART.matcher(lower);
                while (m.find()) {
                    long n = Long.parseLong(m.group(1));
                    d = d.plus(switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    });
                }
                return now.minus(d);
            }
            if (lower.startsWith("pt") || lower.startsWith("p")) {
                Duration d = Duration.parse(v.toUpperCase(Locale.ROOT));
                if (!d.isNegative()) {
                    return now.minus(d);
                }
            } else if (v.matches("\\d{1,12}(\\.\\d{1,9})?")) {
                String[] parts = v.split("\\.");
                long nanos = parts.length > 1 ? Long.parseLong((parts[1] + "000000000").substring(0, 9)) : 0;
                return Instant.ofEpochSecond(Long.parseLong(parts[0]), nanos);
            } else if (v.endsWith("Z") || v.endsWith("z")) {
                return Instant.parse(v.toUpperCase(Locale.ROOT));
            } else {
                return OffsetDateTime.parse(v).toInstant();
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            // fall through
        }
        throw ApiProblem.badRequest("invalid-parameter", "query parameter 'since' must be an ISO-8601 instant "
                + "(2026-12-04T15:00:00Z) or a duration back from now (10m, 2h, 1h30m, 1d), got '" + value + "'");
    }
}
