package dev.beluga.controllers.certificates;

import dev.beluga.pki.CertificateRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** Reading CertificateSigningRequests as upstream's certificate controllers do (conditions, the request). Stateless. */
final class Csrs {
    private Csrs() {
    }

    /** The conditions of the request (never null). */
    static List<CertificateSigningRequestCondition> conditions(CertificateSigningRequest csr) {
        return csr.getStatus() == null || csr.getStatus().getConditions() == null ? List.of() : csr.getStatus().getConditions();
    }

    /** Its condition of {@code type} with status True, if any. */
    static Optional<CertificateSigningRequestCondition> trueCondition(CertificateSigningRequest csr, String type) {
        return conditions(csr).stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
    }

    /** Approved and not Denied (upstream's IsCertificateRequestApproved). */
    static boolean approved(CertificateSigningRequest csr) {
        return trueCondition(csr, "Approved").isPresent() && trueCondition(csr, "Denied").isEmpty();
    }

    static boolean denied(CertificateSigningRequest csr) {
        return trueCondition(csr, "Denied").isPresent();
    }

    static boolean failed(CertificateSigningRequest csr) {
        return trueCondition(csr, "Failed").isPresent();
    }

    static boolean issued(CertificateSigningRequest csr) {
        return csr.getStatus() != null && csr.getStatus().getCertificate() != null && !csr.getStatus().getCertificate().isEmpty();
    }

    static String signer(CertificateSigningRequest csr) {
        return csr.getSpec() == null || csr.getSpec().getSignerName() == null ? "" : csr.getSpec().getSignerName();
    }

    static List<String> usages(CertificateSigningRequest csr) {
        return csr.getSpec() == null || csr.getSpec().getUsages() == null ? List.of() : csr.getSpec().getUsages();
    }

    /**
     * The parsed request of {@code spec.request} (base64 of PEM in JSON).
     *
     * @throws IllegalArgumentException when it does not parse or its signature does not verify
     */
    static CertificateRequest request(CertificateSigningRequest csr) {
        String b64 = csr.getSpec() == null ? null : csr.getSpec().getRequest();
        if (b64 == null || b64.isEmpty()) throw new IllegalArgumentException("the request is empty");
        return CertificateRequest.parse(Base64.getMimeDecoder().decode(b64));
    }

    /** A True condition of {@code type} stamped {@code now}. */
    static CertificateSigningRequestCondition condition(String type, String reason, String message, Instant now) {
        String t = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        return new CertificateSigningRequestConditionBuilder().withType(type).withStatus("True").withReason(reason)
            .withMessage(message).withLastUpdateTime(t).withLastTransitionTime(t).build();
    }
}
