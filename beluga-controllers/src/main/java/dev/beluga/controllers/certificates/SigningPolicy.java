package dev.beluga.controllers.certificates;

import dev.beluga.pki.CertificateDurations;

import java.time.Duration;
import java.time.Instant;

/**
 * When a signed certificate starts and ends, as upstream's local signers decide it:
 *
 * <ul>
 *   <li>the duration is {@code spec.expirationSeconds} when given, but at most the signer's maximum
 *       ({@code --cluster-signing-duration}) and at least {@link CertificateDurations#minimum()} (10 minutes);</li>
 *   <li>notBefore is backdated by 5 minutes (clock skew between machines) — for the test-only durations under 10
 *       minutes by half the duration instead, so such certificates still live mostly in the future;</li>
 *   <li>long-lived certificates (8 hours or more) end at now + duration − backdate, short-lived ones at now + duration
 *       (upstream's "do not backdate the end time of short-lived certificates").</li>
 * </ul>
 *
 * Stateless.
 */
public final class SigningPolicy {
    static final Duration BACKDATE = Duration.ofMinutes(5);
    static final Duration SHORT = Duration.ofHours(8);

    /** A certificate's validity. */
    public record Validity(Instant notBefore, Instant notAfter) {
    }

    private SigningPolicy() {
    }

    /** The duration for a request asking for {@code expirationSeconds} (null: none) from a signer issuing at most {@code max}. */
    public static Duration duration(Long expirationSeconds, Duration max) {
        if (expirationSeconds == null) return max;
        Duration requested = Duration.ofSeconds(expirationSeconds);
        if (requested.compareTo(max) > 0) return max;
        Duration min = CertificateDurations.minimum();
        return requested.compareTo(min) < 0 ? min : requested;
    }

    /** The validity of a certificate of {@code duration} signed at {@code now}. */
    public static Validity validity(Instant now, Duration duration) {
        Duration backdate = duration.compareTo(BACKDATE.multipliedBy(2)) < 0 ? duration.dividedBy(2) : BACKDATE;
        Instant end = duration.compareTo(SHORT) < 0 ? now.plus(duration) : now.plus(duration).minus(backdate);
        return new Validity(now.minus(backdate), end);
    }
}
