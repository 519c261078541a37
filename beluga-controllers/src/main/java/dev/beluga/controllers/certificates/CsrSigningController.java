package dev.beluga.controllers.certificates;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.KeyEvents;
import dev.beluga.controllers.runtime.WorkQueue;
import dev.beluga.pki.CertificateRequest;
import dev.beluga.pki.KeyUsages;
import dev.beluga.pki.Pem;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * The CSR signing controller (upstream's {@code csrsigning-controller}) for the signers
 * {@link SignerConstraints#SIGNERS}: an approved request of one of them that has neither a certificate nor a Failed
 * condition is checked against its signer's constraints — a violation becomes a {@code Failed} condition (reason
 * {@code SignerValidationFailure}) — and otherwise signed with the cluster CA for {@link SigningPolicy}'s validity
 * ({@code spec.expirationSeconds} honoured up to {@link CertificateSigning#maxDuration()}); the PEM certificate is
 * written through {@code /status}. Requests for other signers are left alone.
 *
 * <p>Contract: reconcile reads the informer cache and writes through the API; a request already issued, failed or
 * unapproved is skipped, so it is idempotent; a conflict (someone else wrote first) retries with backoff.
 */
public final class CsrSigningController implements Controller {
    private static final Logger log = LoggerFactory.getLogger(CsrSigningController.class);
    private final CertificateSigning signing;
    private ControllerContext ctx;

    public CsrSigningController(CertificateSigning signing) {
        this.signing = signing;
    }

    @Override
    public String name() {
        return "csrsigning-controller";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        // reconcile looks at the request and skips those it has nothing to do for
        ctx.informers().informer(CertificateSigningRequest.class).addEventHandler(KeyEvents.enqueue(queue));
    }

    private static boolean wanted(CertificateSigningRequest c) {
        return SignerConstraints.SIGNERS.contains(Csrs.signer(c)) && Csrs.approved(c) && !Csrs.failed(c) && !Csrs.issued(c);
    }

    @Override
    public void reconcile(String name) {
        CertificateSigningRequest csr = ctx.informers().get(CertificateSigningRequest.class, null, name);
        if (csr == null || !wanted(csr)) return;
        CertificateSigningRequest updated;
        Optional<String> problem;
        CertificateRequest request = null;
        try {
            request = Csrs.request(csr);
            problem = SignerConstraints.problem(Csrs.signer(csr), request, Csrs.usages(csr));
        } catch (IllegalArgumentException e) {
            problem = Optional.of(e.getMessage());
        }
        if (problem.isPresent()) {
            log.info("certificate signing request {} for {} fails its signer's checks: {}", name, Csrs.signer(csr), problem.get());
            updated = new CertificateSigningRequestBuilder(csr).editOrNewStatus()
                .addToConditions(Csrs.condition("Failed", "SignerValidationFailure", problem.get(), ctx.clock().instant())).endStatus().build();
        } else {
            X509Certificate cert;
            try {
                Duration duration = SigningPolicy.duration(csr.getSpec().getExpirationSeconds() == null ? null
                    : csr.getSpec().getExpirationSeconds().longValue(), signing.maxDuration());
                SigningPolicy.Validity v = SigningPolicy.validity(ctx.clock().instant(), duration);
                cert = signing.ca().signRequest(request, KeyUsages.of(Csrs.usages(csr)), v.notBefore(), v.notAfter());
            } catch (IllegalArgumentException e) {
                log.info("certificate signing request {} cannot be signed: {}", name, e.getMessage());
                updated = new CertificateSigningRequestBuilder(csr).editOrNewStatus()
                    .addToConditions(Csrs.condition("Failed", "SignerValidationFailure", e.getMessage(), ctx.clock().instant())).endStatus().build();
                writeStatus(updated);
                return;
            }
            String pem = Pem.encodeCertificate(cert);
            updated = new CertificateSigningRequestBuilder(csr).editOrNewStatus()
                .withCertificate(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII))).endStatus().build();
            log.info("signed certificate signing request {} of {} ({}, {}): {} until {}", name, csr.getSpec().getUsername(),
                Csrs.signer(csr), cert.getSubjectX500Principal().getName(), cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        }
        writeStatus(updated);
    }

    private void writeStatus(CertificateSigningRequest updated) {
        try {
            ctx.client().certificates().v1().certificateSigningRequests().resource(updated).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) throw e;
        }
    }
}
