package dev.beluga.controllers.certificates;

import dev.beluga.pki.CertificateAuthority;
import dev.beluga.pki.Pem;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static dev.beluga.controllers.certificates.CsrFixtures.nodeClient;
import static org.assertj.core.api.Assertions.assertThat;

/** When the cleaner deletes requests: an hour after a decision, a day when pending, at once when the certificate expired. */
class CleanupDeadlinesTest {
    static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    static CertificateSigningRequest with(String type, String updated) {
        return new CertificateSigningRequestBuilder(nodeClient("c", "n1", "system:node:n1")).withNewStatus().addNewCondition()
            .withType(type).withStatus("True").withLastUpdateTime(updated).endCondition().endStatus().build();
    }

    @Test
    void deadlines() {
        assertThat(CleanupDeadlines.deadline(nodeClient("p", "n1", "system:node:n1"))).contains(CREATED.plus(Duration.ofHours(24)));
        for (String type : List.of("Approved", "Denied", "Failed"))
            assertThat(CleanupDeadlines.deadline(with(type, "2026-01-01T05:00:00Z"))).as(type).contains(Instant.parse("2026-01-01T06:00:00Z"));
    }

    @Test
    void anIssuedCertificateThatExpiredGoesAtOnce() {
        CertificateAuthority ca = CertificateAuthority.create("test", Duration.ofDays(1));
        var cert = ca.issueClient("u", List.of(), Duration.ofMinutes(1)).certificate();
        CertificateSigningRequest issued = new CertificateSigningRequestBuilder(with("Approved", Instant.now().toString())).editStatus()
            .withCertificate(Base64.getEncoder().encodeToString(Pem.encodeCertificate(cert).getBytes(StandardCharsets.US_ASCII))).endStatus().build();
        assertThat(CleanupDeadlines.deadline(issued)).contains(cert.getNotAfter().toInstant());
    }
}
