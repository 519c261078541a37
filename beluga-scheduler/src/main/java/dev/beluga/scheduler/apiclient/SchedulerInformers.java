package dev.beluga.scheduler.apiclient;

import dev.beluga.api.client.ManagedFieldsTrimmingStore;
import dev.beluga.scheduler.SchedulerEventHandlers;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.listers.ClusterListers;
import dev.beluga.scheduler.listers.NamespaceLister;
import dev.beluga.scheduler.listers.PriorityClassLister;
import dev.beluga.scheduler.listers.WorkloadLister;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler's informers (fabric8 shared informers: list, then watch, re-list on 410, resume after a broken
 * stream): pods and nodes feed the scheduler's cache and queue; PVCs, PVs, storage classes, namespaces, services,
 * ReplicaSets, StatefulSets, ReplicationControllers, PDBs and priority classes back the plugins' listers and raise
 * cluster events. One watch per resource type.
 *
 * <p>Lifecycle: construct (informers created, not started) → {@link #listers()} for the scheduler builder →
 * {@link #start(SchedulerEventHandlers, Duration)} once the scheduler exists → {@link #close()}. Handlers are called
 * on fabric8's per-informer event thread, in order per informer.
 */
public final class SchedulerInformers implements AutoCloseable {
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<PersistentVolumeClaim> pvcs;
    private final SharedIndexInformer<PersistentVolume> pvs;
    private final SharedIndexInformer<StorageClass> storageClasses;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<ReplicaSet> replicaSets;
    private final SharedIndexInformer<StatefulSet> statefulSets;
    private final SharedIndexInformer<ReplicationController> rcs;
    private final SharedIndexInformer<PodDisruptionBudget> pdbs;
    private final SharedIndexInformer<PriorityClass> priorityClasses;
    private final List<SharedIndexInformer<?>> all = new ArrayList<>();

    public SchedulerInformers(KubernetesClient client) {
        pods = add(client.pods().inAnyNamespace().runnableInformer(0));
        nodes = add(client.nodes().runnableInformer(0));
        pvcs = add(client.persistentVolumeClaims().inAnyNamespace().runnableInformer(0));
        pvs = add(client.persistentVolumes().runnableInformer(0));
        storageClasses = add(client.storage().v1().storageClasses().runnableInformer(0));
        namespaces = add(client.namespaces().runnableInformer(0));
        services = add(client.services().inAnyNamespace().runnableInformer(0));
        replicaSets = add(client.apps().replicaSets().inAnyNamespace().runnableInformer(0));
        statefulSets = add(client.apps().statefulSets().inAnyNamespace().runnableInformer(0));
        rcs = add(client.replicationControllers().inAnyNamespace().runnableInformer(0));
        pdbs = add(client.policy().v1().podDisruptionBudget().inAnyNamespace().runnableInformer(0));
        priorityClasses = add(client.scheduling().v1().priorityClasses().runnableInformer(0));
    }

    /** Registers an informer; its store keeps objects without managedFields (as upstream's scheduler). */
    private <T extends HasMetadata> SharedIndexInformer<T> add(SharedIndexInformer<T> informer) {
        ManagedFieldsTrimmingStore.trimmed(informer);
        all.add(informer);
        return informer;
    }

    /** Listers over the informers' stores (empty until {@link #start} has synced them). */
    public ClusterListers listers() {
        NamespaceLister ns = new NamespaceLister() {
            @Override
            public List<Namespace> list() {
                return namespaces.getIndexer().list();
            }

            @Override
            public Namespace get(String name) {
                return namespaces.getIndexer().getByKey(name);
            }
        };
        PriorityClassLister pcs = new PriorityClassLister() {
            @Override
            public PriorityClass get(String name) {
                return priorityClasses.getIndexer().getByKey(name);
            }

            @Override
            public List<PriorityClass> list() {
                return priorityClasses.getIndexer().list();
            }
        };
        WorkloadLister workloads = new WorkloadLister() {
            @Override
            public List<Service> services(String namespace) {
                return services.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
            }

            @Override
            public ReplicaSet replicaSet(String namespace, String name) {
                return replicaSets.getIndexer().getByKey(Cache.namespaceKeyFunc(namespace, name));
            }

            @Override
            public StatefulSet statefulSet(String namespace, String name) {
                return statefulSets.getIndexer().getByKey(Cache.namespaceKeyFunc(namespace, name));
            }

            @Override
            public ReplicationController replicationController(String namespace, String name) {
                return rcs.getIndexer().getByKey(Cache.namespaceKeyFunc(namespace, name));
            }
        };
        return new ClusterListers(ns, (namespace, name) -> pvcs.getIndexer().getByKey(Cache.namespaceKeyFunc(namespace, name)),
            name -> pvs.getIndexer().getByKey(name), name -> storageClasses.getIndexer().getByKey(name),
            () -> pdbs.getIndexer().list(), pcs, workloads);
    }

    /**
     * Connects the handlers and starts every informer; returns when all have listed (synced).
     *
     * @throws java.util.concurrent.TimeoutException when they have not synced within {@code timeout}
     */
    public void start(SchedulerEventHandlers handlers, Duration timeout) throws Exception {
        // listers' informers first, so that pods arriving later find their priority classes, PVCs, ...
        priorityClasses.addEventHandler(events(null, null));
        pvcs.addEventHandler(events(handlers, EventResource.PERSISTENT_VOLUME_CLAIM));
        pvs.addEventHandler(events(handlers, EventResource.PERSISTENT_VOLUME));
        storageClasses.addEventHandler(events(handlers, EventResource.STORAGE_CLASS));
        namespaces.addEventHandler(events(handlers, EventResource.NAMESPACE));
        services.addEventHandler(events(handlers, EventResource.SERVICE));
        List<CompletableFuture<Void>> synced = new ArrayList<>();
        for (SharedIndexInformer<?> i : all) {
            if (i == pods || i == nodes) continue;
            synced.add(i.start().toCompletableFuture());
        }
        CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        nodes.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
                handlers.onNodeAdd(n);
            }

            @Override
            public void onUpdate(Node o, Node n) {
                handlers.onNodeUpdate(o, n);
            }

            @Override
            public void onDelete(Node n, boolean unknownFinalState) {
                handlers.onNodeDelete(n);
            }
        });
        nodes.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                handlers.onPodAdd(p);
            }

            @Override
            public void onUpdate(Pod o, Pod p) {
                handlers.onPodUpdate(o, p);
            }

            @Override
            public void onDelete(Pod p, boolean unknownFinalState) {
                handlers.onPodDelete(p);
            }
        });
        pods.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> ResourceEventHandler<T> events(SchedulerEventHandlers handlers, EventResource resource) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                if (handlers != null) handlers.onObjectAddOrUpdate(resource, null, obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                if (handlers != null) handlers.onObjectAddOrUpdate(resource, oldObj, newObj);
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                if (handlers != null) handlers.onObjectDelete(resource, obj);
            }
        };
    }

    @Override
    public void close() {
        for (SharedIndexInformer<?> i : all) i.stop();
    }
}
