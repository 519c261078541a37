package dev.beluga.scheduler.listers;

import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.util.List;

/**
 * Services and controllers from informer caches, for PodTopologySpread's default constraints (a pod's spreading
 * selector is built from the services selecting it and its controlling ReplicaSet, StatefulSet or
 * ReplicationController). Must be thread-safe; getters return null when absent.
 */
public interface WorkloadLister {
    List<Service> services(String namespace);

    ReplicaSet replicaSet(String namespace, String name);

    StatefulSet statefulSet(String namespace, String name);

    ReplicationController replicationController(String namespace, String name);
}
