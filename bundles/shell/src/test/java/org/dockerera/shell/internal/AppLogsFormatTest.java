package org.dockerera.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.dockerera.api.LogEntry;
import org.junit.jupiter.api.Test;

/** How dockerera:app-logs prints a line. */
class AppLogsFormatTest {

    @Test
    void aLineShowsItsTimeInstanceReleaseAndStderrMarked() {
        Instant t = Instant.parse("2026-12-04T15:00:00.123456789Z");

        assertThat(AppLogs.format(new LogEntry(t, "i-9f8e", 3, "stdout", "GET / HTTP/1.1 200")))
                .isEqualTo("2026-12-04T15:00:00.123Z i-9f8e r3 | GET / HTTP/1.1 200");
        assertThat(AppLogs.format(new LogEntry(t, "i-9f8e", 3, "stderr", "oops")))
                .isEqualTo("2026-12-04T15:00:00.123Z i-9f8e r3 ! oops");
    }
}
