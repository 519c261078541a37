package dev.beluga.controllers.statefulset;

import dev.beluga.controllers.runtime.Claims;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.controllers.runtime.KeyEvents;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.Owners;
import dev.beluga.controllers.runtime.PodStates;
import dev.beluga.controllers.runtime.Selectors;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The StatefulSet controller (upstream {@code pkg/controller/statefulset}): pods with stable names
 * {@code <set>-0..n-1} and stable claims, created from the set's ControllerRevisions.
 * <ul>
 *   <li>{@code OrderedReady}: one pod at a time, in ordinal order, each waiting for the one before to be Running and
 *       Ready; scale-down deletes the highest ordinal first, one at a time, and only while every kept pod is
 *       healthy. {@code Parallel}: all at once.</li>
 *   <li>Failed pods are deleted and recreated under the same name; claims of volumeClaimTemplates are created before
 *       their pod and kept (or, by {@code persistentVolumeClaimRetentionPolicy}, owned by the set or by the condemned
 *       pod so that the garbage collector deletes them).</li>
 *   <li>RollingUpdate replaces pods whose revision is not the update revision from the highest ordinal down to
 *       {@code partition}, one at a time, waiting for each replacement to be Running and Ready; pods below the
 *       partition are (re)created from the current revision. OnDelete replaces only pods the user deleted.</li>
 *   <li>Status: replicas, ready/available/current/updated replicas, currentRevision/updateRevision (current becomes
 *       the update revision once every replica is updated and ready), observedGeneration; old revisions beyond
 *       {@code revisionHistoryLimit} are deleted.</li>
 * </ul>
 * Pod names are deterministic, so a repeated create answers 409 and nothing is created twice; no expectations are
 * needed. Orphan pods named as members and matching the selector are adopted. Reconcile is idempotent; reads the
 * informer caches only.
 */
public final class StatefulSetController implements Controller {
    private ControllerContext ctx;
    private WorkQueue<String> queue;

    @Override
    public String name() {
        return "statefulset-controller";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        ctx.informers().informer(ControllerRevision.class);
        ctx.informers().informer(PersistentVolumeClaim.class);
        ctx.informers().informer(StatefulSet.class).addEventHandler(KeyEvents.enqueue(queue));
        ctx.informers().informer(Pod.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                enqueueOwner(p);
            }

            @Override
            public void onUpdate(Pod o, Pod p) {
                enqueueOwner(p);
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
                enqueueOwner(p);
            }
        });
    }

    private void enqueueOwner(Pod p) {
        OwnerReference ref = Owners.controllerOf(p);
        if (ref != null && "StatefulSet".equals(ref.getKind())) queue.add(Keys.of(p.getMetadata().getNamespace(), ref.getName()));
        if (ref != null) return;
        // an orphan: the sets that may adopt it
        var labels = p.getMetadata().getLabels() == null ? java.util.Map.<String, String>of() : p.getMetadata().getLabels();
        for (StatefulSet s : ctx.informers().list(StatefulSet.class, p.getMetadata().getNamespace()))
            if (Selectors.of(s.getSpec().getSelector()).matches(labels)) queue.add(Keys.of(s));
    }

    @Override
    public void reconcile(String key) {
        StatefulSet set = ctx.informers().get(StatefulSet.class, Keys.namespace(key), Keys.name(key));
        if (set == null || set.getMetadata().getDeletionTimestamp() != null) return;
        String ns = set.getMetadata().getNamespace();
        List<ControllerRevision> revisions = StatefulRevisions.owned(ctx.informers().list(ControllerRevision.class, ns), set);
        ControllerRevision update = StatefulRevisions.ensureUpdateRevision(ctx.client(), set, revisions);
        ControllerRevision current = currentRevision(set, revisions, update);
        int replicas = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
        Pod[] slots = new Pod[replicas];
        List<Pod> condemned = new ArrayList<>();
        List<Pod> all = new ArrayList<>();
        // orphans matching the selector and named as members (<set>-<ordinal>) are adopted, as upstream
        List<Pod> claimed = Claims.claim(ctx.client(), ctx.informers().list(Pod.class, ns), set, Selectors.of(set.getSpec().getSelector()),
            p -> StatefulPods.ordinal(set, p) >= 0);
        for (Pod p : claimed) {
            int ord = StatefulPods.ordinal(set, p);
            if (ord < 0) continue;
            all.add(p);
            if (ord < replicas) slots[ord] = p;
            else condemned.add(p);
        }
        condemned.sort(Comparator.comparingInt((Pod p) -> StatefulPods.ordinal(set, p)).reversed());
        new Sync(set, slots, condemned, current, update).run();
        updateStatus(set, all, replicas, current, update);
        Set<String> live = new HashSet<>(List.of(current.getMetadata().getName(), update.getMetadata().getName()));
        for (Pod p : all) if (StatefulPods.revision(p) != null) live.add(StatefulPods.revision(p));
        StatefulRevisions.truncateHistory(ctx.client(), set, revisions, live);
    }

    private static ControllerRevision currentRevision(StatefulSet set, List<ControllerRevision> revisions, ControllerRevision update) {
        String name = set.getStatus() == null ? null : set.getStatus().getCurrentRevision();
        if (name == null) return update;
        return revisions.stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst().orElse(update);
    }

    /** One pass of the ordered state machine; returns early wherever OrderedReady must wait. */
    private final class Sync {
        private final StatefulSet set;
        private final Pod[] slots;
        private final List<Pod> condemned;
        private final ControllerRevision current;
        private final ControllerRevision update;
        private final boolean monotonic;

        Sync(StatefulSet set, Pod[] slots, List<Pod> condemned, ControllerRevision current, ControllerRevision update) {
            this.set = set;
            this.slots = slots;
            this.condemned = condemned;
            this.current = current;
            this.update = update;
            this.monotonic = !"Parallel".equals(set.getSpec().getPodManagementPolicy());
        }

        void run() {
            if (!createAndRecreate()) return;
            if (!scaleDown()) return;
            if (rollingUpdate()) rollUpdate();
        }

        /** Brings every ordinal below replicas into existence; false when OrderedReady must wait. */
        private boolean createAndRecreate() {
            for (int ord = 0; ord < slots.length; ord++) {
                Pod p = slots[ord];
                if (p != null && p.getMetadata().getDeletionTimestamp() == null && finished(p)) {
                    ctx.events().event(set, name(), EventRecorder.WARNING, "RecreatingFailedPod",
                        "StatefulSet " + Keys.of(set) + " is recreating failed Pod " + p.getMetadata().getName());
                    deletePod(p);
                    if (monotonic) return false;
                    continue;
                }
                if (p == null) {
                    createPod(ord);
                    if (monotonic) return false;
                    continue;
                }
                if (p.getMetadata().getDeletionTimestamp() != null || !runningAndReady(p)) {
                    if (monotonic) return false;
                }
            }
            return true;
        }

        /** Deletes pods beyond replicas, highest ordinal first; false when OrderedReady must wait. */
        private boolean scaleDown() {
            for (Pod p : condemned) {
                if (p.getMetadata().getDeletionTimestamp() != null) {
                    if (monotonic) return false;
                    continue;
                }
                if ("Delete".equals(StatefulPods.retention(set, false))) ownClaimsByPod(p);
                deletePod(p);
                if (monotonic) return false;
            }
            return condemned.isEmpty();
        }

        private boolean rollingUpdate() {
            return set.getSpec().getUpdateStrategy() == null || !"OnDelete".equals(set.getSpec().getUpdateStrategy().getType());
        }

        /** Replaces one out-of-date pod at a time, from the highest ordinal down to the partition. */
        private void rollUpdate() {
            int partition = partition(set);
            for (int ord = slots.length - 1; ord >= partition; ord--) {
                Pod p = slots[ord];
                if (p == null) return;
                if (!update.getMetadata().getName().equals(StatefulPods.revision(p))) {
                    if (p.getMetadata().getDeletionTimestamp() == null) {
                        ctx.events().event(set, name(), EventRecorder.NORMAL, "SuccessfulDelete",
                            "delete Pod " + p.getMetadata().getName() + " in StatefulSet " + set.getMetadata().getName() + " successful");
                        deletePodQuietly(p);
                    }
                    return;
                }
                if (!runningAndReady(p)) return;
            }
        }

        private void createPod(int ord) {
            ControllerRevision rev = rollingUpdate() && ord < partition(set) ? current : update;
            PodTemplateSpec template = rev == update ? set.getSpec().getTemplate() : StatefulRevisions.template(rev);
            for (PersistentVolumeClaim t : StatefulPods.claimTemplates(set)) createClaim(t, ord);
            Pod pod = StatefulPods.newPod(set, template, rev.getMetadata().getName(), ord);
            try {
                ctx.client().pods().inNamespace(set.getMetadata().getNamespace()).resource(pod).create();
                ctx.events().event(set, name(), EventRecorder.NORMAL, "SuccessfulCreate",
                    "create Pod " + pod.getMetadata().getName() + " in StatefulSet " + set.getMetadata().getName() + " successful");
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) return; // created before; the cache has not seen it yet
                ctx.events().event(set, name(), EventRecorder.WARNING, "FailedCreate",
                    "create Pod " + pod.getMetadata().getName() + " in StatefulSet " + set.getMetadata().getName() + " failed error: " + e.getMessage());
                throw e;
            }
        }

        private void createClaim(PersistentVolumeClaim template, int ord) {
            String claim = StatefulPods.claimName(template, set, ord);
            if (ctx.informers().get(PersistentVolumeClaim.class, set.getMetadata().getNamespace(), claim) != null) return;
            try {
                ctx.client().persistentVolumeClaims().inNamespace(set.getMetadata().getNamespace())
                    .resource(StatefulPods.newClaim(set, template, ord)).create();
                ctx.events().event(set, name(), EventRecorder.NORMAL, "SuccessfulCreate", "create Claim " + claim + " Pod "
                    + StatefulPods.podName(set, ord) + " in StatefulSet " + set.getMetadata().getName() + " success");
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) throw e;
            }
        }

        /** When claims are deleted on scale-down, the condemned pod owns its claims, so they go after it. */
        private void ownClaimsByPod(Pod p) {
            int ord = StatefulPods.ordinal(set, p);
            for (PersistentVolumeClaim t : StatefulPods.claimTemplates(set)) {
                PersistentVolumeClaim c = ctx.informers().get(PersistentVolumeClaim.class, set.getMetadata().getNamespace(), StatefulPods.claimName(t, set, ord));
                if (c == null || (c.getMetadata().getOwnerReferences() != null
                    && c.getMetadata().getOwnerReferences().stream().anyMatch(r -> r.getUid().equals(p.getMetadata().getUid())))) continue;
                ctx.client().persistentVolumeClaims().inNamespace(c.getMetadata().getNamespace()).withName(c.getMetadata().getName())
                    .edit(x -> {
                        List<OwnerReference> refs = new ArrayList<>(x.getMetadata().getOwnerReferences() == null ? List.of() : x.getMetadata().getOwnerReferences());
                        refs.add(StatefulPods.ownerRef(p));
                        x.getMetadata().setOwnerReferences(refs);
                        return x;
                    });
            }
        }

        private void deletePod(Pod p) {
            ctx.events().event(set, name(), EventRecorder.NORMAL, "SuccessfulDelete",
                "delete Pod " + p.getMetadata().getName() + " in StatefulSet " + set.getMetadata().getName() + " successful");
            deletePodQuietly(p);
        }

        private void deletePodQuietly(Pod p) {
            try {
                ctx.client().pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName()).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) throw e;
            }
        }
    }

    static int partition(StatefulSet set) {
        var us = set.getSpec().getUpdateStrategy();
        Integer p = us == null || us.getRollingUpdate() == null ? null : us.getRollingUpdate().getPartition();
        return p == null ? 0 : p;
    }

    private static boolean finished(Pod p) {
        String phase = PodStates.phase(p);
        return "Failed".equals(phase) || "Succeeded".equals(phase);
    }

    private static boolean runningAndReady(Pod p) {
        return "Running".equals(PodStates.phase(p)) && PodStates.isReady(p);
    }

    private void updateStatus(StatefulSet set, List<Pod> pods, int replicas, ControllerRevision current, ControllerRevision update) {
        int minReady = set.getSpec().getMinReadySeconds() == null ? 0 : set.getSpec().getMinReadySeconds();
        Instant now = ctx.clock().instant();
        int created = 0, ready = 0, available = 0, atCurrent = 0, atUpdate = 0;
        boolean waitingForAvailability = false;
        for (Pod p : pods) {
            created++;
            if (runningAndReady(p)) {
                ready++;
                if (PodStates.isAvailable(p, minReady, now)) available++;
                else waitingForAvailability = true;
            }
            if (p.getMetadata().getDeletionTimestamp() != null) continue;
            String rev = StatefulPods.revision(p);
            if (current.getMetadata().getName().equals(rev)) atCurrent++;
            if (update.getMetadata().getName().equals(rev)) atUpdate++;
        }
        String currentName = current.getMetadata().getName();
        if (atUpdate == replicas && ready == replicas && created == replicas) {
            currentName = update.getMetadata().getName();
            atCurrent = atUpdate;
        }
        var old = set.getStatus() == null ? new io.fabric8.kubernetes.api.model.apps.StatefulSetStatus() : set.getStatus();
        var next = new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder(old).withObservedGeneration(set.getMetadata().getGeneration())
            .withReplicas(created).withReadyReplicas(ready).withAvailableReplicas(available).withCurrentReplicas(atCurrent)
            .withUpdatedReplicas(atUpdate).withCurrentRevision(currentName).withUpdateRevision(update.getMetadata().getName())
            .withCollisionCount(old.getCollisionCount() == null ? 0 : old.getCollisionCount()).build();
        if (waitingForAvailability) queue.addAfter(Keys.of(set), Duration.ofSeconds(1));
        if (next.equals(old)) return;
        StatefulSet copy = new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder(set).withStatus(next).build();
        ctx.client().apps().statefulSets().inNamespace(set.getMetadata().getNamespace()).resource(copy).updateStatus();
    }
}
