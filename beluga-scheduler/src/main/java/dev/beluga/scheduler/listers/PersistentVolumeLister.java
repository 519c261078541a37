package dev.beluga.scheduler.listers;

import io.fabric8.kubernetes.api.model.PersistentVolume;

/** PVs from an informer cache. Must be thread-safe. */
@FunctionalInterface
public interface PersistentVolumeLister {
    /** The volume, or null when it does not exist. */
    PersistentVolume get(String name);
}
