package dev.beluga.scheduler.listers;

import io.fabric8.kubernetes.api.model.storage.StorageClass;

/** Storage classes from an informer cache. Must be thread-safe. */
@FunctionalInterface
public interface StorageClassLister {
    /** The class, or null when it does not exist. */
    StorageClass get(String name);
}
