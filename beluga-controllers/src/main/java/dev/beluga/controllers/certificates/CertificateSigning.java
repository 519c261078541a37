package dev.beluga.controllers.certificates;

import dev.beluga.pki.CertificateAuthority;

import java.time.Duration;
import java.util.Objects;

/**
 * What the CSR signing controller signs with: the cluster CA (upstream's {@code --cluster-signing-cert-file} and
 * {@code --cluster-signing-key-file}) and the longest certificate it issues ({@code --cluster-signing-duration},
 * {@link #DEFAULT_DURATION} as upstream). Immutable.
 */
public record CertificateSigning(CertificateAuthority ca, Duration maxDuration) {
    /** Upstream's default {@code --cluster-signing-duration}: one year. */
    public static final Duration DEFAULT_DURATION = Duration.ofDays(365);

    public CertificateSigning {
        Objects.requireNonNull(ca, "ca");
        if (maxDuration == null || maxDuration.isNegative() || maxDuration.isZero())
            throw new IllegalArgumentException("the signing duration must be positive, not " + maxDuration);
    }
}
