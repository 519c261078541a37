package dev.beluga.controllers.certificates;

import dev.beluga.pki.CertificateDurations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Durations and validity as upstream's local signer computes them. */
class SigningPolicyTest {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final Duration YEAR = Duration.ofDays(365);

    @Test
    void expirationSecondsIsHonouredWithinTheSignersBounds() {
        assertThat(SigningPolicy.duration(null, YEAR)).isEqualTo(YEAR);
        assertThat(SigningPolicy.duration(3600L, YEAR)).isEqualTo(Duration.ofHours(1));
        assertThat(SigningPolicy.duration(10L * 365 * 86400, YEAR)).isEqualTo(YEAR);
        assertThat(SigningPolicy.duration(60L, YEAR)).isEqualTo(Duration.ofMinutes(10));
        assertThat(SigningPolicy.duration(3600L, Duration.ofMinutes(30))).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void theTestOnlyPropertyLowersTheMinimum() {
        System.setProperty(CertificateDurations.TESTING_PROPERTY, "30");
        try {
            assertThat(SigningPolicy.duration(60L, YEAR)).isEqualTo(Duration.ofSeconds(60));
            assertThat(SigningPolicy.duration(5L, YEAR)).isEqualTo(Duration.ofSeconds(30));
        } finally {
            System.clearProperty(CertificateDurations.TESTING_PROPERTY);
        }
    }

    @Test
    void longCertificatesEndBackdatedShortOnesDoNot() {
        SigningPolicy.Validity year = SigningPolicy.validity(NOW, YEAR);
        assertThat(year.notBefore()).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
        assertThat(year.notAfter()).isEqualTo(NOW.plus(YEAR).minus(Duration.ofMinutes(5)));
        SigningPolicy.Validity hour = SigningPolicy.validity(NOW, Duration.ofHours(1));
        assertThat(hour.notBefore()).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
        assertThat(hour.notAfter()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        SigningPolicy.Validity minute = SigningPolicy.validity(NOW, Duration.ofSeconds(60));
        assertThat(minute.notBefore()).isEqualTo(NOW.minusSeconds(30));
        assertThat(minute.notAfter()).isEqualTo(NOW.plusSeconds(60));
    }
}
