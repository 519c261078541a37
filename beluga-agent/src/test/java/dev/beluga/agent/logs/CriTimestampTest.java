package dev.beluga.agent.logs;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CriTimestampTest {
    @Test
    void parsesNanosecondsAndUtc() {
        CriTimestamp t = CriTimestamp.parse("2016-10-06T00:17:09.669794202Z");
        assertThat(t.instant()).isEqualTo(Instant.parse("2016-10-06T00:17:09.669794202Z"));
        assertThat(t.format()).isEqualTo("2016-10-06T00:17:09.669794202Z");
    }

    @Test
    void formatsLikeGoRfc3339Nano() {
        // trailing zeros of the fraction go, a zero fraction goes entirely, the offset stays as written
        assertThat(CriTimestamp.parse("2024-01-02T03:04:05.120000000Z").format()).isEqualTo("2024-01-02T03:04:05.12Z");
        assertThat(CriTimestamp.parse("2024-01-02T03:04:05.000000000Z").format()).isEqualTo("2024-01-02T03:04:05Z");
        assertThat(CriTimestamp.parse("2024-01-02T03:04:05Z").format()).isEqualTo("2024-01-02T03:04:05Z");
        CriTimestamp east = CriTimestamp.parse("2024-01-02T03:04:05.5+01:30");
        assertThat(east.format()).isEqualTo("2024-01-02T03:04:05.5+01:30");
        assertThat(east.instant()).isEqualTo(Instant.parse("2024-01-02T01:34:05.5Z"));
        CriTimestamp west = CriTimestamp.parse("2023-12-31T23:30:00-02:00");
        assertThat(west.instant()).isEqualTo(Instant.parse("2024-01-01T01:30:00Z"));
        assertThat(west.format()).isEqualTo("2023-12-31T23:30:00-02:00");
    }

    @Test
    void rejectsWhatIsNotRfc3339() {
        assertThat(CriTimestamp.parse("2024-01-02 03:04:05Z")).isNull();
        assertThat(CriTimestamp.parse("2024-13-02T03:04:05Z")).isNull();
        assertThat(CriTimestamp.parse("2024-02-30T03:04:05Z")).isNull();
        assertThat(CriTimestamp.parse("2024-01-02T03:04:05")).isNull();
        assertThat(CriTimestamp.parse("2024-01-02T03:04:05.Z")).isNull();
        assertThat(CriTimestamp.parse("2024-01-02T03:04:05.1234567890Z")).isNull();
        assertThat(CriTimestamp.parse("2024-01-02T03:04:05+0100")).isNull();
        assertThat(CriTimestamp.parse("garbage")).isNull();
    }
}
