package dev.beluga.controllers.ttl;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.JobStates;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * The TTL-after-finished controller (upstream {@code pkg/controller/ttlafterfinished}): a finished Job (condition
 * {@code Complete} or {@code Failed} true) with {@code spec.ttlSecondsAfterFinished} is deleted, with background
 * propagation (upstream uses foreground), once its finish time ({@code status.completionTime}, else the condition's
 * {@code lastTransitionTime}) plus the TTL is not after {@code ctx.clock()}'s now; until then the key is requeued
 * for the time left. Before deleting, the Job is read again from the API server and checked again (the TTL may have
 * been changed), as upstream. A finished Job without a known finish time is left alone.
 *
 * <p>Contract: {@code reconcile} is idempotent (deleting a Job already gone is not an error) and runs for one key on
 * one worker at a time; handlers run on the informer thread and only enqueue Jobs that may need cleaning up.
 */
public final class TtlAfterFinishedController implements Controller {
    private static final Logger log = LoggerFactory.getLogger(TtlAfterFinishedController.class);

    private ControllerContext ctx;
    private WorkQueue<String> queue;

    @Override
    public String name() {
        return "ttl-after-finished-controller";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        ctx.informers().informer(Job.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job j) {
                if (needsCleanup(j)) queue.add(Keys.of(j));
            }

            @Override
            public void onUpdate(Job o, Job j) {
                if (needsCleanup(j)) queue.add(Keys.of(j));
            }

            @Override
            public void onDelete(Job j, boolean unknown) {
            }
        });
    }

    private static boolean needsCleanup(Job j) {
        return j.getSpec() != null && j.getSpec().getTtlSecondsAfterFinished() != null && j.getMetadata().getDeletionTimestamp() == null
            && JobStates.isFinished(j);
    }

    @Override
    public void reconcile(String key) {
        Job cached = ctx.informers().get(Job.class, Keys.namespace(key), Keys.name(key));
        if (cached == null || !needsCleanup(cached)) return;
        Duration left = timeLeft(cached);
        if (left == null) return;
        if (left.isPositive()) {
            queue.addAfter(key, left);
            return;
        }
        Job fresh;
        try {
            fresh = ctx.client().batch().v1().jobs().inNamespace(Keys.namespace(key)).withName(Keys.name(key)).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return;
            throw e;
        }
        if (fresh == null || !needsCleanup(fresh)) return;
        left = timeLeft(fresh);
        if (left == null) return;
        if (left.isPositive()) {
            queue.addAfter(key, left);
            return;
        }
        log.debug("deleting job {}: finished and its TTL expired", key);
        try {
            ctx.client().batch().v1().jobs().inNamespace(Keys.namespace(key)).withName(Keys.name(key))
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) throw e;
        }
    }

    /** Time until the Job expires (zero or negative: expired), or null when its finish time is unknown. */
    private Duration timeLeft(Job j) {
        Instant finished = JobStates.finishTime(j);
        if (finished == null) return null;
        Instant expires = finished.plusSeconds(j.getSpec().getTtlSecondsAfterFinished());
        return Duration.between(ctx.clock().instant(), expires);
    }
}
