package dev.beluga.pki;

import java.time.Duration;

/**
 * The shortest certificate a CertificateSigningRequest may ask for ({@code spec.expirationSeconds}) and a signer
 * issues: 600 s (10 minutes), as upstream's validation and signers require.
 *
 * <p><b>Test-only override:</b> the system property {@value #TESTING_PROPERTY} (seconds, at least 10) lowers it, so
 * that tests can watch certificates being rotated within a minute or two. It exists for tests alone; a cluster must
 * never run with it.
 */
public final class CertificateDurations {
    /** The system property that lowers {@link #minimum()} in tests. */
    public static final String TESTING_PROPERTY = "beluga.testing.minimumCertificateSeconds";
    /** Upstream's minimum. */
    public static final Duration UPSTREAM_MINIMUM = Duration.ofSeconds(600);

    private CertificateDurations() {
    }

    /** The minimum duration: {@link #UPSTREAM_MINIMUM} unless the test-only property lowers it. Read on every call. */
    public static Duration minimum() {
        String p = System.getProperty(TESTING_PROPERTY);
        if (p == null || p.isBlank()) return UPSTREAM_MINIMUM;
        try {
            long s = Long.parseLong(p.strip());
            return Duration.ofSeconds(Math.max(10, Math.min(s, UPSTREAM_MINIMUM.toSeconds())));
        } catch (NumberFormatException e) {
            return UPSTREAM_MINIMUM;
        }
    }
}
