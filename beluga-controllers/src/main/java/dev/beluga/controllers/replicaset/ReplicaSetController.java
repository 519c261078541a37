package dev.beluga.controllers.replicaset;

import dev.beluga.api.labels.LabelSelector;
import dev.beluga.controllers.runtime.Claims;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.Expectations;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.Owners;
import dev.beluga.controllers.runtime.PodControl;
import dev.beluga.controllers.runtime.PodStates;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ReplicaSet controller (and, with {@link ReplicatedKind#REPLICATION_CONTROLLER}, the ReplicationController
 * controller), as upstream's {@code pkg/controller/replicaset}: keeps {@code spec.replicas} active pods matching the
 * selector and controlled by the owner.
 *
 * <p>A sync: adopt orphan pods that match the selector, release owned pods that no longer match; then, if the
 * expectations of earlier syncs are met, create the missing pods (at most 500 per sync, in slow-start batches of 1,
 * 2, 4, ... so that a failing template costs one request, not 500) or delete the surplus (in
 * {@link DeletionRanking} order); finally write the status (replicas, fullyLabeledReplicas, readyReplicas,
 * availableReplicas, observedGeneration) when it changed. Pods counted available only after
 * {@code minReadySeconds}: the key is re-queued to look again then.
 */
public final class ReplicaSetController<T extends HasMetadata> implements Controller {
    static final int BURST_REPLICAS = 500;

    private final ReplicatedKind<T> kind;
    private ControllerContext ctx;
    private WorkQueue<String> queue;
    private Expectations expectations;
    private PodControl pods;

    private ReplicaSetController(ReplicatedKind<T> kind) {
        this.kind = kind;
    }

    public static ReplicaSetController<io.fabric8.kubernetes.api.model.apps.ReplicaSet> replicaSets() {
        return new ReplicaSetController<>(ReplicatedKind.REPLICA_SET);
    }

    public static ReplicaSetController<io.fabric8.kubernetes.api.model.ReplicationController> replicationControllers() {
        return new ReplicaSetController<>(ReplicatedKind.REPLICATION_CONTROLLER);
    }

    @Override
    public String name() {
        return kind.controllerName();
    }

    @Override
    public int workers() {
        return 5;
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        this.expectations = new Expectations(ctx.clock());
        this.pods = new PodControl(ctx.client(), ctx.events(), kind.controllerName());
        ctx.informers().informer(kind.type()).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T o) {
                queue.add(Keys.of(o));
            }

            @Override
            public void onUpdate(T o, T n) {
                queue.add(Keys.of(n));
            }

            @Override
            public void onDelete(T o, boolean unknown) {
                expectations.delete(Keys.of(o));
                queue.add(Keys.of(o));
            }
        });
        ctx.informers().informer(Pod.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                if (p.getMetadata().getDeletionTimestamp() != null) {
                    onDelete(p, false);
                    return;
                }
                T owner = owner(p);
                if (owner != null) {
                    expectations.creationObserved(Keys.of(owner));
                    queue.add(Keys.of(owner));
                } else if (Owners.controllerOf(p) == null) {
                    for (T candidate : matchingOwners(p)) queue.add(Keys.of(candidate));
                }
            }

            @Override
            public void onUpdate(Pod o, Pod n) {
                if (Objects.equals(o.getMetadata().getResourceVersion(), n.getMetadata().getResourceVersion())) return;
                if (n.getMetadata().getDeletionTimestamp() != null && o.getMetadata().getDeletionTimestamp() == null) {
                    // a graceful deletion started: the pod no longer counts, as if it were deleted
                    T owner = owner(n);
                    if (owner != null) {
                        expectations.deletionObserved(Keys.of(owner));
                        queue.add(Keys.of(owner));
                    }
                    return;
                }
                T oldOwner = owner(o);
                T newOwner = owner(n);
                if (oldOwner != null && (newOwner == null || !Keys.of(oldOwner).equals(Keys.of(newOwner)))) queue.add(Keys.of(oldOwner));
                if (newOwner != null) {
                    queue.add(Keys.of(newOwner));
                    return;
                }
                boolean labelsChanged = !Objects.equals(o.getMetadata().getLabels(), n.getMetadata().getLabels());
                if (Owners.controllerOf(n) == null && (labelsChanged || Owners.controllerOf(o) != null))
                    for (T candidate : matchingOwners(n)) queue.add(Keys.of(candidate));
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
                T owner = owner(p);
                if (owner == null) return;
                expectations.deletionObserved(Keys.of(owner));
                queue.add(Keys.of(owner));
            }
        });
    }

    /** The owner of this kind controlling the pod, from the cache (null if none or the UID differs). */
    private T owner(Pod p) {
        OwnerReference ref = Owners.controllerOf(p);
        if (ref == null || !kind.type().getSimpleName().equals(ref.getKind())) return null;
        T owner = ctx.informers().get(kind.type(), p.getMetadata().getNamespace(), ref.getName());
        return owner != null && ref.getUid().equals(owner.getMetadata().getUid()) ? owner : null;
    }

    private List<T> matchingOwners(Pod p) {
        List<T> out = new ArrayList<>();
        Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
        for (T o : ctx.informers().list(kind.type(), p.getMetadata().getNamespace()))
            if (kind.selector(o).matches(labels)) out.add(o);
        return out;
    }

    @Override
    public void reconcile(String key) throws Exception {
        T owner = ctx.informers().get(kind.type(), Keys.namespace(key), Keys.name(key));
        if (owner == null) {
            expectations.delete(key);
            return;
        }
        boolean needsSync = expectations.satisfied(key) && owner.getMetadata().getDeletionTimestamp() == null;
        LabelSelector selector = kind.selector(owner);
        List<Pod> mine = claimPods(owner, selector);
        List<Pod> active = new ArrayList<>();
        for (Pod p : mine) if (PodStates.isActive(p)) active.add(p);
        Exception manageError = null;
        if (needsSync) {
            try {
                manageReplicas(key, owner, active);
            } catch (KubernetesClientException e) {
                manageError = e;
            }
        }
        Instant now = ctx.clock().instant();
        int minReady = kind.minReadySeconds(owner);
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        Map<String, String> templateLabels = kind.template(owner).getMetadata() == null ? Map.of()
            : Objects.requireNonNullElse(kind.template(owner).getMetadata().getLabels(), Map.of());
        for (Pod p : active) {
            Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
            if (labels.entrySet().containsAll(templateLabels.entrySet())) fullyLabeled++;
            if (PodStates.isReady(p)) {
                ready++;
                if (PodStates.isAvailable(p, minReady, now)) available++;
            }
        }
        ReplicaCounts counts = new ReplicaCounts(active.size(), fullyLabeled, ready, available,
            owner.getMetadata().getGeneration() == null ? 0 : owner.getMetadata().getGeneration());
        if (!counts.equals(kind.status(owner))) kind.updateStatus(ctx.client(), owner, counts);
        if (manageError != null) throw manageError;
        if (minReady > 0 && ready > available) queue.addAfter(key, Duration.ofSeconds(minReady));
    }

    /** Adopts matching orphans and releases owned pods that stopped matching; returns the pods this owner controls. */
    private List<Pod> claimPods(T owner, LabelSelector selector) {
        return Claims.claim(ctx.client(), ctx.informers().list(Pod.class, owner.getMetadata().getNamespace()), owner, selector, PodStates::isActive);
    }

    private void manageReplicas(String key, T owner, List<Pod> active) {
        int diff = active.size() - kind.replicas(owner);
        if (diff < 0) {
            int toCreate = Math.min(-diff, BURST_REPLICAS);
            expectations.expect(key, toCreate, 0);
            String prefix = owner.getMetadata().getName() + "-";
            int remaining = toCreate;
            int batch = 1;
            try {
                while (remaining > 0) {
                    int n = Math.min(batch, remaining);
                    remaining -= n; // from here on, this batch's calls account for themselves (onFailure)
                    runBatch(n, () -> {
                        pods.create(PodControl.fromTemplate(kind.template(owner), owner, prefix), owner);
                    }, () -> expectations.creationObserved(key));
                    batch *= 2;
                }
            } finally {
                // creations never attempted will never be observed
                for (int i = 0; i < remaining; i++) expectations.creationObserved(key);
            }
        } else if (diff > 0) {
            int toDelete = Math.min(diff, BURST_REPLICAS);
            List<Pod> victims = new ArrayList<>(active);
            victims.sort(DeletionRanking.FIRST_TO_DELETE);
            victims = victims.subList(0, toDelete);
            expectations.expect(key, 0, toDelete);
            List<Pod> chosen = victims;
            runBatch(chosen.size(), new Runnable() {
                private final AtomicInteger next = new AtomicInteger();

                @Override
                public void run() {
                    pods.delete(chosen.get(next.getAndIncrement()), owner);
                }
            }, () -> expectations.deletionObserved(key));
        }
    }

    /**
     * Runs {@code n} calls concurrently; {@code onFailure} runs for each failed call (its effect will never be
     * observed), and the first failure is rethrown after all calls finished.
     */
    private static void runBatch(int n, Runnable call, Runnable onFailure) {
        List<Thread> threads = new ArrayList<>(n);
        List<RuntimeException> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    call.run();
                } catch (RuntimeException e) {
                    onFailure.run();
                    errors.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (!errors.isEmpty()) throw errors.getFirst();
    }
}
