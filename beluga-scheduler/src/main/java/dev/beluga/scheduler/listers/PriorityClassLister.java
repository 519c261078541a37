package dev.beluga.scheduler.listers;

import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;

import java.util.List;

/** Priority classes from an informer cache, to resolve a pod's priority when {@code spec.priority} is unset. */
public interface PriorityClassLister {
    /** The class, or null. */
    PriorityClass get(String name);

    List<PriorityClass> list();
}
