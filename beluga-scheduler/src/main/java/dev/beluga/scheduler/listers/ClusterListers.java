package dev.beluga.scheduler.listers;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;

import java.util.List;
import java.util.Objects;

/**
 * Every read-only view of API objects the plugins need besides pods and nodes (which the scheduler cache holds).
 * {@link #empty()} returns listers that know no objects. Immutable.
 */
public record ClusterListers(NamespaceLister namespaces, PersistentVolumeClaimLister pvcs, PersistentVolumeLister pvs,
                             StorageClassLister storageClasses, PodDisruptionBudgetLister pdbs,
                             PriorityClassLister priorityClasses, WorkloadLister workloads) {
    public ClusterListers {
        Objects.requireNonNull(namespaces);
        Objects.requireNonNull(pvcs);
        Objects.requireNonNull(pvs);
        Objects.requireNonNull(storageClasses);
        Objects.requireNonNull(pdbs);
        Objects.requireNonNull(priorityClasses);
        Objects.requireNonNull(workloads);
    }

    public static final NamespaceLister NO_NAMESPACES = new NamespaceLister() {
        @Override
        public List<Namespace> list() {
            return List.of();
        }

        @Override
        public Namespace get(String name) {
            return null;
        }
    };

    public static final PriorityClassLister NO_PRIORITY_CLASSES = new PriorityClassLister() {
        @Override
        public PriorityClass get(String name) {
            return null;
        }

        @Override
        public List<PriorityClass> list() {
            return List.of();
        }
    };

    public static final WorkloadLister NO_WORKLOADS = new WorkloadLister() {
        @Override
        public List<Service> services(String namespace) {
            return List.of();
        }

        @Override
        public ReplicaSet replicaSet(String namespace, String name) {
            return null;
        }

        @Override
        public StatefulSet statefulSet(String namespace, String name) {
            return null;
        }

        @Override
        public ReplicationController replicationController(String namespace, String name) {
            return null;
        }
    };

    public static ClusterListers empty() {
        return new ClusterListers(NO_NAMESPACES, (ns, n) -> null, n -> null, n -> null, List::of, NO_PRIORITY_CLASSES,
            NO_WORKLOADS);
    }

    public ClusterListers withNamespaces(NamespaceLister l) {
        return new ClusterListers(l, pvcs, pvs, storageClasses, pdbs, priorityClasses, workloads);
    }

    public ClusterListers withPvcs(PersistentVolumeClaimLister l) {
        return new ClusterListers(namespaces, l, pvs, storageClasses, pdbs, priorityClasses, workloads);
    }

    public ClusterListers withPvs(PersistentVolumeLister l) {
        return new ClusterListers(namespaces, pvcs, l, storageClasses, pdbs, priorityClasses, workloads);
    }

    public ClusterListers withStorageClasses(StorageClassLister l) {
        return new ClusterListers(namespaces, pvcs, pvs, l, pdbs, priorityClasses, workloads);
    }

    public ClusterListers withPdbs(PodDisruptionBudgetLister l) {
        return new ClusterListers(namespaces, pvcs, pvs, storageClasses, l, priorityClasses, workloads);
    }

    public ClusterListers withPriorityClasses(PriorityClassLister l) {
        return new ClusterListers(namespaces, pvcs, pvs, storageClasses, pdbs, l, workloads);
    }

    public ClusterListers withWorkloads(WorkloadLister l) {
        return new ClusterListers(namespaces, pvcs, pvs, storageClasses, pdbs, priorityClasses, l);
    }
}
