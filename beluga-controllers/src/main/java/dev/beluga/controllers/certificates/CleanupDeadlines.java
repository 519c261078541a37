package dev.beluga.controllers.certificates;

import dev.beluga.pki.Pem;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Optional;

/**
 * When the CSR cleaner removes a request (upstream's {@code csrcleaner-controller}): approved, denied or failed
 * requests {@value #FINISHED_HOURS} hour after that condition was last updated, pending ones
 * {@value #PENDING_HOURS} hours after they were created, and an issued request at once when its certificate has
 * expired. Stateless.
 */
public final class CleanupDeadlines {
    static final int FINISHED_HOURS = 1;
    static final int PENDING_HOURS = 24;

    private CleanupDeadlines() {
    }

    /** The time {@code csr} is to be deleted, or empty when it has no usable timestamps (kept). */
    public static Optional<Instant> deadline(CertificateSigningRequest csr) {
        Optional<Instant> earliest = Optional.empty();
        for (String type : new String[] {"Approved", "Denied", "Failed"}) {
            Optional<CertificateSigningRequestCondition> c = Csrs.trueCondition(csr, type);
            if (c.isEmpty()) continue;
            Instant at = parse(c.get().getLastUpdateTime());
            if (at == null) at = parse(c.get().getLastTransitionTime());
            if (at == null) at = parse(csr.getMetadata().getCreationTimestamp());
            if (at != null) earliest = min(earliest, at.plus(Duration.ofHours(FINISHED_HOURS)));
        }
        if (earliest.isEmpty()) {
            Instant created = parse(csr.getMetadata().getCreationTimestamp());
            if (created != null) earliest = Optional.of(created.plus(Duration.ofHours(PENDING_HOURS)));
        }
        if (Csrs.issued(csr)) {
            try {
                String pem = new String(Base64.getMimeDecoder().decode(csr.getStatus().getCertificate()), StandardCharsets.US_ASCII);
                earliest = min(earliest, Pem.certificates(pem).getFirst().getNotAfter().toInstant());
            } catch (IllegalArgumentException e) {
                // not a certificate: the condition deadlines hold
            }
        }
        return earliest;
    }

    private static Optional<Instant> min(Optional<Instant> a, Instant b) {
        return a.isEmpty() || b.isBefore(a.get()) ? Optional.of(b) : a;
    }

    private static Instant parse(String t) {
        if (t == null || t.isEmpty()) return null;
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
