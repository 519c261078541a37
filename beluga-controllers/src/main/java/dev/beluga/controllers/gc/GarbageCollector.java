package dev.beluga.controllers.gc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The garbage collector (upstream {@code pkg/controller/garbagecollector}), over the built-in kinds that own or are
 * owned in practice (pods, workloads, revisions, services and their endpoints, claims, config maps, secrets):
 * <ul>
 *   <li><b>background</b>: an object all of whose owners are gone (checked through the API by UID, not only the
 *       cache, so a dependent created just after its owner is never collected by mistake) is deleted with
 *       background propagation; an object that keeps some owners only loses the references to the missing ones;</li>
 *   <li><b>foreground</b>: an owner being deleted with the {@code foregroundDeletion} finalizer has its dependents
 *       deleted (in foreground too); once none with {@code blockOwnerDeletion} is left, the finalizer is removed and
 *       the API server deletes the owner;</li>
 *   <li><b>orphan</b>: an owner being deleted with the {@code orphan} finalizer has its reference removed from every
 *       dependent, then the finalizer removed.</li>
 * </ul>
 * Keys are object UIDs. Idempotent: every decision is re-derived from the graph and the API.
 */
public final class GarbageCollector implements Controller {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<Class<? extends HasMetadata>> MONITORED = List.of(Pod.class, ReplicaSet.class, Deployment.class,
        StatefulSet.class, DaemonSet.class, ControllerRevision.class, Job.class, CronJob.class, ReplicationController.class,
        Service.class, Endpoints.class, EndpointSlice.class, PersistentVolumeClaim.class, ConfigMap.class, Secret.class,
        ServiceAccount.class);
    private static final Duration VERIFY_DELAY = Duration.ofMillis(200);

    private final OwnerGraph graph = new OwnerGraph();
    private ControllerContext ctx;
    private WorkQueue<String> queue;

    @Override
    public String name() {
        return "garbage-collector-controller";
    }

    @Override
    public int workers() {
        return 4;
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        for (Class<? extends HasMetadata> type : MONITORED) watch(type);
    }

    private <T extends HasMetadata> void watch(Class<T> type) {
        ctx.informers().informer(type).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T o) {
                changed(o);
            }

            @Override
            public void onUpdate(T old, T o) {
                changed(o);
            }

            @Override
            public void onDelete(T o, boolean unknown) {
                OwnerGraph.Node node = graph.remove(o);
                String uid = o.getMetadata().getUid();
                for (OwnerGraph.Node d : graph.dependentsOf(uid)) queue.add(d.uid());
                if (node != null) for (OwnerReference r : node.owners()) queue.add(r.getUid()); // a foreground owner may finish
            }
        });
    }

    private void changed(HasMetadata o) {
        Set<String> dropped = graph.upsert(o);
        String uid = o.getMetadata().getUid();
        for (String owner : dropped) queue.add(owner);
        if (o.getMetadata().getDeletionTimestamp() != null && hasFinalizer(o, "foregroundDeletion", "orphan")) queue.add(uid);
        var owners = o.getMetadata().getOwnerReferences();
        if (owners != null && !owners.isEmpty()) {
            boolean dangling = false;
            for (OwnerReference r : owners) {
                OwnerGraph.Node owner = graph.get(r.getUid());
                if (owner == null) dangling = true;
                else if (owner.object().getMetadata().getDeletionTimestamp() != null) queue.add(r.getUid());
            }
            // an owner not (yet) in the cache: look after a moment, and verify through the API then
            if (dangling) queue.addAfter(uid, VERIFY_DELAY);
        }
    }

    private static boolean hasFinalizer(HasMetadata o, String... names) {
        List<String> f = o.getMetadata().getFinalizers();
        if (f == null) return false;
        for (String n : names) if (f.contains(n)) return true;
        return false;
    }

    @Override
    public void reconcile(String uid) throws Exception {
        OwnerGraph.Node node = graph.get(uid);
        if (node == null) return;
        HasMetadata o = node.object();
        if (o.getMetadata().getDeletionTimestamp() != null) {
            if (hasFinalizer(o, "orphan")) {
                orphanDependents(o);
                return;
            }
            if (hasFinalizer(o, "foregroundDeletion")) {
                deleteDependentsInForeground(o);
                return;
            }
        }
        collectIfOwnersGone(node);
    }

    private void orphanDependents(HasMetadata owner) {
        String uid = owner.getMetadata().getUid();
        for (OwnerGraph.Node d : graph.dependentsOf(uid)) removeOwnerRefs(d.object(), Set.of(uid));
        removeFinalizer(owner, "orphan");
    }

    private void deleteDependentsInForeground(HasMetadata owner) {
        String uid = owner.getMetadata().getUid();
        boolean blocked = false;
        for (OwnerGraph.Node d : graph.dependentsOf(uid)) {
            HasMetadata dep = d.object();
            boolean blocks = d.owners().stream().anyMatch(r -> r.getUid().equals(uid) && Boolean.TRUE.equals(r.getBlockOwnerDeletion()));
            if (blocks) blocked = true;
            if (dep.getMetadata().getDeletionTimestamp() == null) delete(dep, DeletionPropagation.FOREGROUND);
        }
        if (!blocked) removeFinalizer(owner, "foregroundDeletion");
        // otherwise: the dependents' deletions bring the owner's key back (onDelete enqueues owners)
    }

    private void collectIfOwnersGone(OwnerGraph.Node node) throws Exception {
        HasMetadata o = node.object();
        List<OwnerReference> owners = node.owners();
        if (owners.isEmpty() || o.getMetadata().getDeletionTimestamp() != null) return;
        Set<String> missing = new java.util.HashSet<>();
        boolean waitingForeground = false;
        for (OwnerReference r : owners) {
            if (!ownerExists(o, r)) missing.add(r.getUid());
            else {
                OwnerGraph.Node owner = graph.get(r.getUid());
                if (owner != null && owner.object().getMetadata().getDeletionTimestamp() != null
                    && hasFinalizer(owner.object(), "foregroundDeletion")) waitingForeground = true;
            }
        }
        if (missing.isEmpty()) return;
        if (missing.size() == owners.size()) {
            delete(o, waitingForeground ? DeletionPropagation.FOREGROUND : DeletionPropagation.BACKGROUND);
        } else {
            removeOwnerRefs(o, missing);
        }
    }

    /** Whether the referenced owner exists with that UID: from the graph, else verified through the API. */
    private boolean ownerExists(HasMetadata dependent, OwnerReference r) {
        if (graph.get(r.getUid()) != null) return true;
        String ns = dependent.getMetadata().getNamespace();
        try {
            GenericKubernetesResource found = ctx.client().genericKubernetesResources(r.getApiVersion(), r.getKind())
                .inNamespace(ns == null ? "" : ns).withName(r.getName()).get();
            return found != null && r.getUid().equals(found.getMetadata().getUid());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return false;
            throw e;
        }
    }

    private void delete(HasMetadata o, DeletionPropagation propagation) {
        try {
            ctx.client().resource(o).withPropagationPolicy(propagation).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) throw e;
        }
    }

    private void removeOwnerRefs(HasMetadata o, Set<String> uids) {
        ArrayNode kept = JSON.createArrayNode();
        for (OwnerReference r : o.getMetadata().getOwnerReferences()) if (!uids.contains(r.getUid())) kept.add(JSON.valueToTree(r));
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode meta = patch.putObject("metadata");
        if (kept.isEmpty()) meta.putNull("ownerReferences");
        else meta.set("ownerReferences", kept);
        try {
            ctx.client().resource(o).patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) throw e;
        }
    }

    private void removeFinalizer(HasMetadata o, String finalizer) {
        ArrayNode kept = JSON.createArrayNode();
        for (String f : o.getMetadata().getFinalizers()) if (!finalizer.equals(f)) kept.add(f);
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode meta = patch.putObject("metadata");
        meta.put("resourceVersion", o.getMetadata().getResourceVersion());
        meta.set("finalizers", kept);
        try {
            ctx.client().resource(o).patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) throw e; // 409: changed meanwhile, the update event brings it back
        }
    }
}
