package dev.beluga.scheduler.listers;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;

/** PVCs from an informer cache. Must be thread-safe. */
@FunctionalInterface
public interface PersistentVolumeClaimLister {
    /** The claim, or null when it does not exist. */
    PersistentVolumeClaim get(String namespace, String name);
}
