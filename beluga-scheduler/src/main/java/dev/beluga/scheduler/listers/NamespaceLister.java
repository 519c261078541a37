package dev.beluga.scheduler.listers;

import io.fabric8.kubernetes.api.model.Namespace;

import java.util.List;

/** Namespaces from an informer cache, for pod-affinity {@code namespaceSelector}s. Must be thread-safe. */
public interface NamespaceLister {
    /** Every namespace. */
    List<Namespace> list();

    /** The namespace of that name, or null. */
    Namespace get(String name);
}
