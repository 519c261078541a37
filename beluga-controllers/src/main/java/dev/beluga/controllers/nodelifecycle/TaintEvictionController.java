package dev.beluga.controllers.nodelifecycle;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.RateLimiter;
import dev.beluga.controllers.runtime.RateLimiters;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Taint-based eviction (upstream's {@code taint-eviction-controller}): a pod on a node with a NoExecute taint it does
 * not tolerate is deleted at once; one that tolerates it for {@code tolerationSeconds} is deleted that long after the
 * taint's {@code timeAdded} (the API server gives every pod 300 s tolerations of not-ready and unreachable);
 * tolerating it without a time keeps the pod. Deletions are rate-limited ({@value #EVICTIONS_PER_SECOND}/s, burst
 * {@value #EVICTION_BURST}) so that a partition does not empty the cluster at once. Event:
 * {@code TaintManagerEviction}.
 */
public final class TaintEvictionController implements Controller {
    static final int EVICTIONS_PER_SECOND = 10;
    static final int EVICTION_BURST = 50;
    static final Duration RECHECK = Duration.ofSeconds(5);
    private final RateLimiter<String> evictions = RateLimiters.bucket(EVICTIONS_PER_SECOND, EVICTION_BURST);
    private ControllerContext ctx;
    private WorkQueue<String> queue;

    @Override
    public String name() {
        return "taint-eviction-controller";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        ctx.informers().informer(Pod.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                if (p.getSpec().getNodeName() != null) queue.add(Keys.of(p));
            }

            @Override
            public void onUpdate(Pod o, Pod p) {
                if (p.getSpec().getNodeName() != null && (!Objects.equals(o.getSpec().getNodeName(), p.getSpec().getNodeName())
                    || !Objects.equals(o.getSpec().getTolerations(), p.getSpec().getTolerations()))) queue.add(Keys.of(p));
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
            }
        });
        ctx.informers().informer(Node.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
                if (!noExecute(n).isEmpty()) podsOn(n);
            }

            @Override
            public void onUpdate(Node o, Node n) {
                if (!noExecute(o).equals(noExecute(n))) podsOn(n);
            }

            @Override
            public void onDelete(Node n, boolean unknown) {
            }
        });
    }

    private void podsOn(Node n) {
        for (Pod p : ctx.informers().list(Pod.class))
            if (n.getMetadata().getName().equals(p.getSpec().getNodeName())) queue.add(Keys.of(p));
    }

    static List<Taint> noExecute(Node n) {
        if (n.getSpec() == null || n.getSpec().getTaints() == null) return List.of();
        return n.getSpec().getTaints().stream().filter(t -> "NoExecute".equals(t.getEffect())).toList();
    }

    @Override
    public void reconcile(String key) {
        Pod pod = ctx.informers().get(Pod.class, Keys.namespace(key), Keys.name(key));
        if (pod == null || pod.getMetadata().getDeletionTimestamp() != null || pod.getSpec().getNodeName() == null) return;
        Node node = ctx.informers().get(Node.class, null, pod.getSpec().getNodeName());
        if (node == null) return;
        Instant now = ctx.clock().instant();
        List<Taint> taints = noExecute(node);
        if (taints.isEmpty()) return;
        // as upstream: evict at once if a taint is not tolerated; otherwise after the smallest tolerationSeconds of the
        // tolerations used (counted from the taint's timeAdded); never if none of them has a time limit
        Long minSeconds = null;
        Instant since = null;
        for (Taint taint : taints) {
            List<Toleration> tolerating = Taints.tolerating(pod.getSpec().getTolerations(), taint);
            if (tolerating.isEmpty()) {
                minSeconds = 0L;
                since = now;
                break;
            }
            for (Toleration t : tolerating) {
                if (t.getTolerationSeconds() == null) continue;
                long s = Math.max(0, t.getTolerationSeconds());
                if (minSeconds == null || s < minSeconds) minSeconds = s;
                Instant added = taint.getTimeAdded() == null ? now : Instant.parse(taint.getTimeAdded());
                if (since == null || added.isBefore(since)) since = added;
            }
        }
        Instant evictAt = minSeconds == null ? null : since.plusSeconds(minSeconds);
        if (evictAt == null) return;
        if (evictAt.isAfter(now)) {
            // look again then, or after RECHECK at the latest (the clock may be corrected, or be a test's fake clock)
            Duration left = Duration.between(now, evictAt);
            queue.addAfter(key, left.compareTo(RECHECK) < 0 ? left : RECHECK);
            return;
        }
        Duration wait = evictions.when("evictions");
        if (!wait.isZero()) {
            queue.addAfter(key, wait);
            return;
        }
        ctx.events().event(pod, name(), EventRecorder.NORMAL, "TaintManagerEviction", "Marking for deletion Pod " + key);
        try {
            ctx.client().pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) throw e;
        }
    }
}
