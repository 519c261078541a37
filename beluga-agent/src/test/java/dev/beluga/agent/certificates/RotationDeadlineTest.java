package dev.beluga.agent.certificates;

import dev.beluga.pki.CertificateAuthority;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rotation at a jittered 70–90 % of a certificate's lifetime. */
class RotationDeadlineTest {
    static final Instant NB = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant NA = NB.plus(Duration.ofDays(100));

    @Test
    void theDeadlineLiesBetween70And90PercentOfTheLifetime() {
        assertThat(RotationDeadline.of(NB, NA, 0)).isEqualTo(NB.plus(Duration.ofDays(70)));
        assertThat(RotationDeadline.of(NB, NA, 0.5)).isEqualTo(NB.plus(Duration.ofDays(80)));
        assertThat(RotationDeadline.of(NB, NA, 0.999999)).isBetween(NB.plus(Duration.ofDays(89)), NB.plus(Duration.ofDays(90)));
        assertThatThrownBy(() -> RotationDeadline.of(NB, NA, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fromACertificate() {
        X509Certificate c = CertificateAuthority.create("t", Duration.ofDays(10)).issueClient("u", List.of(), Duration.ofHours(1)).certificate();
        Instant nb = c.getNotBefore().toInstant();
        Duration lifetime = Duration.between(nb, c.getNotAfter().toInstant());
        assertThat(RotationDeadline.of(c, () -> 0.25)).isEqualTo(nb.plusMillis(Math.round(lifetime.toMillis() * 0.75)));
    }
}
