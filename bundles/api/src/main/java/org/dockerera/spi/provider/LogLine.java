package org.dockerera.spi.provider;

import java.time.Instant;
import java.util.Objects;

/**
 * One line a container wrote, with the engine's timestamp.
 *
 * @param time   when the engine received it (nanosecond precision on Docker)
 * @param stream {@value #STDOUT} or {@value #STDERR}
 * @param line   the text, without its line feed
 */
public record LogLine(Instant time, String stream, String line) {
    public static final String STDOUT = "stdout";
    public static final String STDERR = "stderr";

    public LogLine {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(stream, "stream");
        line = line == null ? "" : line;
    }
}
