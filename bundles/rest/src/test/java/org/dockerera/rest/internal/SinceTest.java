package org.dockerera.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code since} of a log query: instants, durations back from now, Unix seconds. */
class SinceTest {
    static final Instant NOW = Instant.parse("2026-12-04T15:00:00Z");

    @ParameterizedTest
    @CsvSource({"10m, PT10M", "2h, PT2H", "30s, PT30S", "1d, PT24H", "1h30m, PT1H30M", "500ms, PT0.5S",
            "PT10M, PT10M", "pt1h, PT1H", "0s, PT0S"})
    void aDurationCountsBackFromNow(String value, String back) {
        assertThat(Since.parse(value, NOW)).isEqualTo(NOW.minus(Duration.parse(back)));
    }

    @Test
    void instantsWithOrWithoutOffsetAndUnixSecondsAreTakenAsTheyAre() {
        assertThat(Since.parse("2026-12-04T14:00:00.123456789Z", NOW)).isEqualTo(
                Instant.parse("2026-12-04T14:00:00.123456789Z"));
        assertThat(Since.parse("2026-12-04T16:00:00+02:00", NOW)).isEqualTo(Instant.parse("2026-12-04T14:00:00Z"));
        assertThat(Since.parse("1764860400", NOW)).isEqualTo(Instant.ofEpochSecond(1764860400L));
        assertThat(Since.parse("1764860400.25", NOW)).isEqualTo(Instant.ofEpochSecond(1764860400L, 250_000_000));
        assertThat(Since.parse(" ", NOW)).isNull();
        assertThat(Since.parse(null, NOW)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "10x", "-5m", "m10", "2026-12-04", "2026-13-04T00:00:00Z", "10 m", "P-1D"})
    void anythingElseIs400InvalidParameter(String value) {
        assertThatThrownBy(() -> Since.parse(value, NOW)).isInstanceOfSatisfying(ApiProblem.class, p -> {
            assertThat(p.status()).isEqualTo(400);
            assertThat(p.slug()).isEqualTo("invalid-parameter");
            assertThat(p.detail()).contains("'since'").contains(value);
        });
    }
}
