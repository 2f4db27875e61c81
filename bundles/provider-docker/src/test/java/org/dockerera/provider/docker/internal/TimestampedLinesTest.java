package org.dockerera.provider.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.dockerera.spi.provider.LogLine;
import org.junit.jupiter.api.Test;

/** Frames of a timestamped log become lines with their time and stream. */
class TimestampedLinesTest {
    private final TimestampedLines parser = new TimestampedLines();

    private List<LogLine> frame(boolean stderr, String payload) {
        return parser.accept(stderr, payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eachFrameIsOneLineWithItsTimestampAndStream() {
        assertThat(frame(false, "2026-12-04T15:00:00.123456789Z hello world\n")).containsExactly(
                new LogLine(Instant.parse("2026-12-04T15:00:00.123456789Z"), "stdout", "hello world"));
        assertThat(frame(true, "2026-12-04T15:00:01.000000001Z oops\n")).containsExactly(
                new LogLine(Instant.parse("2026-12-04T15:00:01.000000001Z"), "stderr", "oops"));
    }

    @Test
    void aLongLineSplitIntoPartsIsJoinedAndKeepsTheTimeOfItsFirstPart() {
        List<LogLine> out = new ArrayList<>();
        out.addAll(frame(false, "2026-12-04T15:00:00.1Z aaaa"));
        out.addAll(frame(true, "2026-12-04T15:00:00.15Z err\n"));
        out.addAll(frame(false, "2026-12-04T15:00:00.2Z bbbb"));
        out.addAll(frame(false, "2026-12-04T15:00:00.3Z cc\n"));

        assertThat(out).containsExactly(new LogLine(Instant.parse("2026-12-04T15:00:00.15Z"), "stderr", "err"),
                new LogLine(Instant.parse("2026-12-04T15:00:00.1Z"), "stdout", "aaaabbbbcc"));
    }

    @Test
    void anUnfinishedLastLineIsFlushedAtTheEnd() {
        assertThat(frame(false, "2026-12-04T15:00:00Z no newline")).isEmpty();

        assertThat(parser.flush()).containsExactly(new LogLine(Instant.parse("2026-12-04T15:00:00Z"), "stdout",
                "no newline"));
        assertThat(parser.flush()).isEmpty();
    }

    @Test
    void emptyLinesCarriageReturnsAndOffsetsAreKept() {
        assertThat(frame(false, "2026-12-04T16:00:00+01:00 \r\n")).containsExactly(
                new LogLine(Instant.parse("2026-12-04T15:00:00Z"), "stdout", ""));
    }

    @Test
    void aLineWithoutTimestampTakesThePreviousOne() {
        frame(false, "2026-12-04T15:00:00Z first\n");

        assertThat(frame(false, "second\n")).containsExactly(new LogLine(Instant.parse("2026-12-04T15:00:00Z"),
                "stdout", "second"));
    }
}
