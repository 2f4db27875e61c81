package org.dockerera.controller.internal.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.dockerera.api.LogEntry;
import org.dockerera.spi.provider.LogLine;
import org.junit.jupiter.api.Test;

/** How an app's log is put together from its instances, and which lines of removed instances it keeps. */
class LogRetentionAndMergeTest {
    private static final Instant T0 = Instant.parse("2026-12-04T15:00:00Z");

    private static Instant t(int ms) {
        return T0.plusMillis(ms);
    }

    private static LogEntry e(int ms, String instance, String line) {
        return new LogEntry(t(ms), instance, 1, "stdout", line);
    }

    private static RetainedLog retained(String instance, int capturedAtMs, int lines) {
        List<LogLine> l = new ArrayList<>();
        for (int i = 1; i <= lines; i++) {
            l.add(new LogLine(t(capturedAtMs - lines + i), "stdout", instance + " line " + i));
        }
        return new RetainedLog("web.test", instance, 1, "h1", t(capturedAtMs), l);
    }

    @Test
    void instancesAreMergedByTimeAndTheNewestTailKeptAcrossThem() {
        List<LogEntry> a = List.of(e(1, "a", "a1"), e(4, "a", "a2"), e(6, "a", "a3"));
        List<LogEntry> b = List.of(e(2, "b", "b1"), e(3, "b", "b2"), e(5, "b", "b3"));

        assertThat(LogMerge.merge(List.of(a, b), null, null, 100)).extracting(LogEntry::line)
                .containsExactly("a1", "b1", "b2", "a2", "b3", "a3");
        assertThat(LogMerge.merge(List.of(a, b), null, null, 3)).extracting(LogEntry::line)
                .containsExactly("a2", "b3", "a3");
        assertThat(LogMerge.merge(List.of(a, b), null, null, 0)).isEmpty();
    }

    @Test
    void sinceAndInstanceFilterBeforeTheTailIsTaken() {
        List<LogEntry> a = List.of(e(1, "a", "a1"), e(4, "a", "a2"), e(6, "a", "a3"));
        List<LogEntry> b = List.of(e(2, "b", "b1"), e(3, "b", "b2"), e(5, "b", "b3"));

        assertThat(LogMerge.merge(List.of(a, b), t(4), null, 100)).extracting(LogEntry::line)
                .as("since is inclusive").containsExactly("a2", "b3", "a3");
        assertThat(LogMerge.merge(List.of(a, b), null, "b", 2)).extracting(LogEntry::line)
                .containsExactly("b2", "b3");
        assertThat(LogMerge.merge(List.of(a, b), t(7), null, 100)).isEmpty();
    }

    @Test
    void linesWithTheSameTimeKeepTheirOrder() {
        List<LogEntry> a = List.of(e(1, "a", "first"), e(1, "a", "second"));
        List<LogEntry> b = List.of(e(1, "b", "third"));

        assertThat(LogMerge.merge(List.of(a, b), null, null, 10)).extracting(LogEntry::line)
                .containsExactly("first", "second", "third");
    }

    @Test
    void underTheBoundNothingIsDropped() {
        Retention.Plan plan = Retention.trim(List.of(retained("a", 100, 30), retained("b", 200, 30)), 60);

        assertThat(plan.rewrite()).isEmpty();
        assertThat(plan.drop()).isEmpty();
    }

    @Test
    void theOldestCapturesLoseTheirLinesFirstAndAPartlyKeptOneKeepsItsNewest() {
        Retention.Plan plan = Retention.trim(List.of(retained("old", 100, 30), retained("mid", 200, 30),
                retained("new", 300, 30)), 50);

        assertThat(plan.drop()).containsExactly("old");
        assertThat(plan.rewrite()).singleElement().satisfies(r -> {
            assertThat(r.instance()).isEqualTo("mid");
            assertThat(r.lines()).hasSize(20);
            assertThat(r.lines().get(0).line()).isEqualTo("mid line 11");
            assertThat(r.lines().get(19).line()).isEqualTo("mid line 30");
        });
    }

    @Test
    void oneCaptureLargerThanTheBoundKeepsItsNewestLinesAndABoundOfZeroKeepsNone() {
        Retention.Plan plan = Retention.trim(List.of(retained("big", 100, 1500)), 1000);

        assertThat(plan.rewrite()).singleElement().satisfies(r -> {
            assertThat(r.lines()).hasSize(1000);
            assertThat(r.lines().get(999).line()).isEqualTo("big line 1500");
        });
        assertThat(Retention.trim(List.of(retained("a", 1, 3), retained("b", 2, 3)), 0).drop())
                .containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void retainedLinesReadAsTheirInstancesEntries() {
        assertThat(retained("gone", 10, 2).entries()).containsExactly(
                new LogEntry(t(9), "gone", 1, "stdout", "gone line 1"),
                new LogEntry(t(10), "gone", 1, "stdout", "gone line 2"));
    }
}
