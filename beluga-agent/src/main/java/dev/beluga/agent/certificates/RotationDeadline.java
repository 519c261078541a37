package dev.beluga.agent.certificates;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * When to renew a certificate, as the kubelet's certificate manager decides it: at a jittered 70–90 % of its
 * lifetime (notBefore + lifetime × (0.7 + 0.2 × r), r uniform in [0, 1)), so a fleet of nodes does not renew at once
 * and a renewal that fails has the rest of the lifetime to be retried. Stateless.
 */
public final class RotationDeadline {
    static final double FROM = 0.7;
    static final double SPREAD = 0.2;

    private RotationDeadline() {
    }

    /** The deadline of {@code certificate} with the random draw of {@code random} (values in [0, 1)). */
    public static Instant of(X509Certificate certificate, DoubleSupplier random) {
        return of(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), random.getAsDouble());
    }

    /** The deadline of a certificate valid from {@code notBefore} to {@code notAfter}, for the draw {@code r} in [0, 1). */
    public static Instant of(Instant notBefore, Instant notAfter, double r) {
        if (r < 0 || r >= 1) throw new IllegalArgumentException("the draw must be in [0, 1), not " + r);
        Duration lifetime = Duration.between(notBefore, notAfter);
        long millis = Math.round(lifetime.toMillis() * (FROM + SPREAD * r));
        return notBefore.plusMillis(millis);
    }
}
