package dev.beluga.controllers.certificates;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.KeyEvents;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The CSR cleaner (upstream's {@code csrcleaner-controller}): deletes requests at their {@link CleanupDeadlines}
 * deadline — instead of upstream's hourly sweep, each request is looked at again when its deadline comes
 * ({@link WorkQueue#addAfter}), so the cleaner is level-triggered like the other controllers.
 *
 * <p>Contract: idempotent (a request already gone is not an error); reads the informer cache, deletes through the API.
 */
public final class CsrCleanerController implements Controller {
    private static final Logger log = LoggerFactory.getLogger(CsrCleanerController.class);
    private ControllerContext ctx;
    private WorkQueue<String> queue;

    @Override
    public String name() {
        return "csrcleaner-controller";
    }

    @Override
    public int workers() {
        return 1;
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        // reconcile looks at the request and skips those it has nothing to do for
        ctx.informers().informer(CertificateSigningRequest.class).addEventHandler(KeyEvents.enqueue(queue));
    }

    @Override
    public void reconcile(String name) {
        CertificateSigningRequest csr = ctx.informers().get(CertificateSigningRequest.class, null, name);
        if (csr == null) return;
        Optional<Instant> deadline = CleanupDeadlines.deadline(csr);
        if (deadline.isEmpty()) return;
        Duration left = Duration.between(ctx.clock().instant(), deadline.get());
        if (left.isPositive()) {
            queue.addAfter(name, left);
            return;
        }
        try {
            ctx.client().certificates().v1().certificateSigningRequests().withName(name).delete();
            log.info("deleted certificate signing request {}: kept past its deadline {}", name, deadline.get());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) throw e;
        }
    }
}
