package dev.beluga.controllers.disruption;

import dev.beluga.api.labels.LabelSelector;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.controllers.runtime.KeyEvents;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.Selectors;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatusBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The disruption controller (upstream {@code pkg/controller/disruption}): keeps every PodDisruptionBudget's status
 * current so that the eviction API can enforce it.
 *
 * <p>For a budget, its pods are the pods of its namespace that {@code spec.selector} matches (a null selector matches
 * nothing, an empty one everything, as policy/v1). {@code expectedPods} is the number of those pods for an integer
 * minAvailable, otherwise the replicas of their controllers ({@link ExpectedScale}); {@code desiredHealthy} follows
 * from the spec ({@link Budget}); {@code currentHealthy} counts Ready pods that are neither being deleted nor listed
 * in {@code disruptedPods} ({@link DisruptedPods}); {@code disruptionsAllowed = max(0, currentHealthy -
 * desiredHealthy)}. When the expected count cannot be computed (a pod without a scalable controller) the budget
 * fails safe: disruptionsAllowed 0 and condition DisruptionAllowed=False/SyncFailed.
 *
 * <p>Reconcile reads only informer caches, writes {@code /status} only when something changed (a stale write is a
 * 409 and the key is retried), and requeues the budget when its earliest disruptedPods entry expires.
 */
public final class DisruptionController implements Controller {
    private ControllerContext ctx;
    private WorkQueue<String> queue;

    @Override
    public String name() {
        return "disruption-controller";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        ctx.informers().informer(PodDisruptionBudget.class).addEventHandler(KeyEvents.enqueue(queue)); // a deleted budget leaves nothing to clean up
        ctx.informers().informer(Pod.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                budgetsSelecting(p);
            }

            @Override
            public void onUpdate(Pod old, Pod p) {
                budgetsSelecting(p);
                if (!Objects.equals(old.getMetadata().getLabels(), p.getMetadata().getLabels())) budgetsSelecting(old);
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
                budgetsSelecting(p);
            }
        });
        watchScale(ReplicaSet.class, rs -> rs.getSpec() == null ? null : rs.getSpec().getReplicas());
        watchScale(Deployment.class, d -> d.getSpec() == null ? null : d.getSpec().getReplicas());
        watchScale(StatefulSet.class, s -> s.getSpec() == null ? null : s.getSpec().getReplicas());
        watchScale(ReplicationController.class, rc -> rc.getSpec() == null ? null : rc.getSpec().getReplicas());
    }

    /** A controller appearing, going or changing its scale may change the expected count of any budget of its namespace. */
    private <T extends HasMetadata> void watchScale(Class<T> type, Function<T, Integer> replicas) {
        ctx.informers().informer(type).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T o) {
                allIn(o.getMetadata().getNamespace());
            }

            @Override
            public void onUpdate(T old, T o) {
                if (!Objects.equals(replicas.apply(old), replicas.apply(o))
                    || !Objects.equals(old.getMetadata().getOwnerReferences(), o.getMetadata().getOwnerReferences()))
                    allIn(o.getMetadata().getNamespace());
            }

            @Override
            public void onDelete(T o, boolean unknown) {
                allIn(o.getMetadata().getNamespace());
            }
        });
    }

    private void allIn(String namespace) {
        for (PodDisruptionBudget pdb : ctx.informers().list(PodDisruptionBudget.class, namespace)) queue.add(Keys.of(pdb));
    }

    private void budgetsSelecting(Pod p) {
        Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
        for (PodDisruptionBudget pdb : ctx.informers().list(PodDisruptionBudget.class, p.getMetadata().getNamespace()))
            if (selector(pdb).matches(labels)) queue.add(Keys.of(pdb));
    }

    private static LabelSelector selector(PodDisruptionBudget pdb) {
        return Selectors.of(pdb.getSpec() == null ? null : pdb.getSpec().getSelector());
    }

    @Override
    public void reconcile(String key) {
        PodDisruptionBudget pdb = ctx.informers().get(PodDisruptionBudget.class, Keys.namespace(key), Keys.name(key));
        if (pdb == null) return;
        LabelSelector sel = selector(pdb);
        List<Pod> pods = new ArrayList<>();
        for (Pod p : ctx.informers().list(Pod.class, pdb.getMetadata().getNamespace()))
            if (sel.matches(p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels())) pods.add(p);
        Instant now = ctx.clock().instant();
        PodDisruptionBudgetSpec spec = pdb.getSpec() == null ? new PodDisruptionBudgetSpec() : pdb.getSpec();
        PodDisruptionBudgetStatus old = pdb.getStatus() == null ? new PodDisruptionBudgetStatus() : pdb.getStatus();
        Long generation = pdb.getMetadata().getGeneration();
        int expected;
        int desired;
        try {
            expected = Budget.needsControllerScale(spec) ? ExpectedScale.of(ctx.informers(), pods) : pods.size();
            desired = Budget.desiredHealthy(spec, expected);
        } catch (ExpectedScale.NoControllerException | IllegalArgumentException e) {
            PodDisruptionBudgetStatus failed = new PodDisruptionBudgetStatusBuilder(old).withDisruptionsAllowed(0)
                .withConditions(BudgetConditions.with(old.getConditions(), false, BudgetConditions.SYNC_FAILED, e.getMessage(),
                    old.getObservedGeneration(), now)).build();
            if (write(pdb, old, failed))
                ctx.events().event(pdb, name(), EventRecorder.WARNING, "CalculateExpectedPodCountFailed",
                    "Failed to calculate the number of expected pods: " + e.getMessage());
            return;
        }
        DisruptedPods disrupted = DisruptedPods.prune(old.getDisruptedPods(), pods, now);
        int healthy = disrupted.countHealthy(pods);
        int allowed = Budget.disruptionsAllowed(healthy, desired, expected);
        PodDisruptionBudgetStatus next = new PodDisruptionBudgetStatusBuilder(old).withExpectedPods(expected).withDesiredHealthy(desired)
            .withCurrentHealthy(healthy).withDisruptionsAllowed(allowed)
            .withDisruptedPods(disrupted.entries().isEmpty() ? null : disrupted.entries()).withObservedGeneration(generation)
            .withConditions(BudgetConditions.with(old.getConditions(), allowed > 0,
                allowed > 0 ? BudgetConditions.SUFFICIENT_PODS : BudgetConditions.INSUFFICIENT_PODS, "", generation, now)).build();
        write(pdb, old, next);
        if (disrupted.recheck() != null)
            queue.addAfter(key, Duration.between(now, disrupted.recheck()).plusSeconds(1));
    }

    /** Writes the status when it differs from {@code old}; returns whether it wrote. */
    private boolean write(PodDisruptionBudget pdb, PodDisruptionBudgetStatus old, PodDisruptionBudgetStatus next) {
        if (normalized(next).equals(normalized(old))) return false;
        PodDisruptionBudget copy = new PodDisruptionBudgetBuilder(pdb).withStatus(next).build();
        ctx.client().policy().v1().podDisruptionBudget().inNamespace(pdb.getMetadata().getNamespace()).resource(copy).updateStatus();
        return true;
    }

    /** The status with an empty disruptedPods map as absent (the API omits it). */
    private static PodDisruptionBudgetStatus normalized(PodDisruptionBudgetStatus s) {
        if (s.getDisruptedPods() != null && s.getDisruptedPods().isEmpty())
            return new PodDisruptionBudgetStatusBuilder(s).withDisruptedPods(null).build();
        return s;
    }
}
