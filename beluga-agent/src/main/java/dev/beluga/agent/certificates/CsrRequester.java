package dev.beluga.agent.certificates;

import dev.beluga.pki.CertificateRequests;
import dev.beluga.pki.IssuedCertificate;
import dev.beluga.pki.KeyAlgorithm;
import dev.beluga.pki.Pem;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gets a certificate through the certificates API, as client-go's {@code csr.RequestCertificate} and
 * {@code WaitForCertificate} do for the kubelet: makes a fresh EC P-256 key (it never leaves the node), creates a
 * CertificateSigningRequest ({@code generateName: csr-}, the template's signer and usages, {@code expirationSeconds}
 * when set), and watches it until the signer has put the certificate in its status, or it is Denied or Failed.
 *
 * <p>Thread-safe; each call is independent (one request, one watch).
 */
public final class CsrRequester {
    private final KubernetesClient client;
    private final Duration timeout;
    private final Integer expirationSeconds;

    /**
     * @param timeout           how long to wait for approval and signing
     * @param expirationSeconds the lifetime to ask for, or null for the signer's default (as the kubelet)
     */
    public CsrRequester(KubernetesClient client, Duration timeout, Integer expirationSeconds) {
        this.client = client;
        this.timeout = timeout;
        this.expirationSeconds = expirationSeconds;
    }

    /** The thrown failure: the request was refused, or nothing came in time. */
    public static final class CsrException extends Exception {
        CsrException(String message) {
            super(message);
        }
    }

    /**
     * A certificate for {@code template}, with its new key and the chain the server answered with.
     *
     * @throws CsrException         when the request is denied or fails, or no certificate comes within the timeout
     * @throws InterruptedException when interrupted while waiting
     */
    public IssuedCertificate request(CertificateTemplate template) throws CsrException, InterruptedException {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        String pem = CertificateRequests.create(keys, template.commonName(), template.organizations(), template.names());
        CertificateSigningRequest created = client.certificates().v1().certificateSigningRequests().resource(
            new CertificateSigningRequestBuilder().withNewMetadata().withGenerateName("csr-").endMetadata().withNewSpec()
                .withRequest(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)))
                .withSignerName(template.signerName()).withUsages(template.usages()).withExpirationSeconds(expirationSeconds)
                .endSpec().build()).create();
        String name = created.getMetadata().getName();
        CertificateSigningRequest done;
        // a watch from the current state (it begins with the request as it is now, so a fast signer is not missed)
        CompletableFuture<CertificateSigningRequest> answer = new CompletableFuture<>();
        Watch watch = client.certificates().v1().certificateSigningRequests().withName(name).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, CertificateSigningRequest csr) {
                if (action == Action.DELETED) answer.complete(null);
                else if (finished(csr)) answer.complete(csr);
            }

            @Override
            public void onClose(WatcherException cause) {
                answer.completeExceptionally(cause);
            }
        });
        try {
            done = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CsrException("certificate signing request " + name + " (" + template.signerName() + ") was not signed within "
                + timeout.toSeconds() + " s (is it approved? kubectl get csr " + name + ")");
        } catch (ExecutionException e) {
            throw new CsrException("watching certificate signing request " + name + ": " + e.getCause());
        } finally {
            watch.close();
        }
        if (done == null) throw new CsrException("certificate signing request " + name + " was deleted before it was signed");
        for (CertificateSigningRequestCondition c : conditions(done)) {
            if (("Denied".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()))
                throw new CsrException("certificate signing request " + name + " is " + c.getType() + ": " + c.getReason() + " " + c.getMessage());
        }
        String certPem = new String(Base64.getMimeDecoder().decode(done.getStatus().getCertificate()), StandardCharsets.US_ASCII);
        List<X509Certificate> chain = Pem.certificates(certPem);
        if (!chain.getFirst().getPublicKey().equals(keys.getPublic()))
            throw new CsrException("certificate signing request " + name + " was answered with a certificate for another key");
        return new IssuedCertificate(chain.getFirst(), keys.getPrivate(), chain);
    }

    private static boolean finished(CertificateSigningRequest c) {
        if (c.getStatus() == null) return false;
        if (c.getStatus().getCertificate() != null && !c.getStatus().getCertificate().isEmpty()) return true;
        for (CertificateSigningRequestCondition cond : conditions(c)) {
            if (("Denied".equals(cond.getType()) || "Failed".equals(cond.getType())) && "True".equals(cond.getStatus())) return true;
        }
        return false;
    }

    private static List<CertificateSigningRequestCondition> conditions(CertificateSigningRequest c) {
        return c.getStatus() == null || c.getStatus().getConditions() == null ? List.of() : c.getStatus().getConditions();
    }
}
