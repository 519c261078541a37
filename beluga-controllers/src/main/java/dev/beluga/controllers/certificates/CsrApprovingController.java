package dev.beluga.controllers.certificates;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.KeyEvents;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The CSR approving controller (upstream's {@code csrapproving-controller}): requests {@link ApprovalRules} approves
 * get an {@code Approved} condition (reason {@code AutoApproved}) through {@code /approval}, with the conditions they
 * already have; others are left for a human. A kubelet serving request whose Node is not in the cache yet is looked
 * at again when Nodes change (the agent registers its Node before asking).
 *
 * <p>Contract: reconcile reads the informer caches and writes through the API; approved or denied requests are
 * skipped, so it is idempotent.
 */
public final class CsrApprovingController implements Controller {
    private static final Logger log = LoggerFactory.getLogger(CsrApprovingController.class);
    private ControllerContext ctx;

    @Override
    public String name() {
        return "csrapproving-controller";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        // reconcile looks at the request and skips those it has nothing to do for
        ctx.informers().informer(CertificateSigningRequest.class).addEventHandler(KeyEvents.enqueue(queue));
        ctx.informers().informer(Node.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
                requeueServing(queue, n);
            }

            @Override
            public void onUpdate(Node old, Node n) {
                if (old.getStatus() == null || n.getStatus() == null || !java.util.Objects.equals(old.getStatus().getAddresses(),
                    n.getStatus().getAddresses())) requeueServing(queue, n);
            }

            @Override
            public void onDelete(Node n, boolean unknown) {
            }
        });
    }

    private void requeueServing(WorkQueue<String> queue, Node n) {
        String user = SignerConstraints.NODE_PREFIX + n.getMetadata().getName();
        for (CertificateSigningRequest c : ctx.informers().list(CertificateSigningRequest.class)) {
            if (pending(c) && SignerConstraints.KUBELET_SERVING.equals(Csrs.signer(c)) && user.equals(c.getSpec().getUsername()))
                queue.add(c.getMetadata().getName());
        }
    }

    private static boolean pending(CertificateSigningRequest c) {
        return !Csrs.approved(c) && !Csrs.denied(c);
    }

    @Override
    public void reconcile(String name) {
        CertificateSigningRequest csr = ctx.informers().get(CertificateSigningRequest.class, null, name);
        if (csr == null) return;
        Optional<ApprovalRules.Approval> approval = ApprovalRules.decide(csr,
            node -> Optional.ofNullable(ctx.informers().get(Node.class, null, node)));
        if (approval.isEmpty()) return;
        CertificateSigningRequest approved = new CertificateSigningRequestBuilder(csr).editOrNewStatus()
            .addToConditions(Csrs.condition("Approved", approval.get().reason(), approval.get().message(), ctx.clock().instant()))
            .endStatus().build();
        try {
            ctx.client().certificates().v1().certificateSigningRequests().resource(approved).subresource("approval").update();
            log.info("approved certificate signing request {} of {}: {}", name, csr.getSpec().getUsername(), approval.get().message());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) throw e;
        }
    }
}
