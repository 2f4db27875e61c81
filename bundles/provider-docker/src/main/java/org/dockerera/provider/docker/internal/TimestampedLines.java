package org.dockerera.provider.docker.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.dockerera.spi.provider.LogLine;

/**
 * Turns the frames of {@code GET /containers/{id}/logs?timestamps=1} into lines. Each frame is one log message of one
 * stream, prefixed with its RFC 3339 timestamp and a space; a message longer than the engine's buffer (16 KiB) comes
 * as several frames and only the last ends with a line feed, so a stream's unfinished line is kept until its end
 * arrives (it keeps the timestamp of its first part). Not thread-safe: one per stream.
 */
final class TimestampedLines {
    private final StringBuilder[] pending = {new StringBuilder(), new StringBuilder()};
    private final Instant[] pendingTime = new Instant[2];
    private Instant last = Instant.EPOCH;

    /** The complete lines in one frame's payload ({@code stderr}: the frame's stream type is stderr). */
    List<LogLine> accept(boolean stderr, byte[] payload) {
        int s = stderr ? 1 : 0;
        String stream = stderr ? LogLine.STDERR : LogLine.STDOUT;
        String text = new String(payload, StandardCharsets.UTF_8);
        List<LogLine> out = new ArrayList<>(1);
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            String segment = nl < 0 ? text.substring(start) : text.substring(start, nl);
            // every message starts with its timestamp; a continuation of a long line does too
            Instant time = null;
            int space = segment.indexOf(' ');
            if (space > 0) {
                time = parse(segment.substring(0, space));
            }
            if (time != null) {
                segment = segment.substring(space + 1);
                last = time;
            }
            if (pendingTime[s] == null) {
                pendingTime[s] = time != null ? time : last;
            }
            pending[s].append(segment.endsWith("\r") && nl >= 0 ? segment.substring(0, segment.length() - 1) : segment);
            if (nl < 0) {
                break;
            }
            out.add(new LogLine(pendingTime[s], stream, pending[s].toString()));
            pending[s].setLength(0);
            pendingTime[s] = null;
            start = nl + 1;
        }
        return out;
    }

    /** What is left unfinished at the end of the stream, as lines. */
    List<LogLine> flush() {
        List<LogLine> out = new ArrayList<>(2);
        for (int s = 0; s < 2; s++) {
            if (pending[s].length() > 0) {
                out.add(new LogLine(pendingTime[s], s == 1 ? LogLine.STDERR : LogLine.STDOUT, pending[s].toString()));
                pending[s].setLength(0);
                pendingTime[s] = null;
            }
        }
        out.sort(java.util.Comparator.comparing(LogLine::time));
        return out;
    }

    /** An RFC 3339 timestamp ({@code 2026-12-04T15:00:00.123456789Z}), or null when {@code s} is none. */
    static Instant parse(String s) {
        if (s.length() < 20 || s.charAt(4) != '-' || s.charAt(10) != 'T') {
            return null;
        }
        try {
            return s.endsWith("Z") ? Instant.parse(s) : OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
