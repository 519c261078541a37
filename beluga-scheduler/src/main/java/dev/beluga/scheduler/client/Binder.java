package dev.beluga.scheduler.client;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Binds a pod to a node through the API ({@code POST pods/{name}/binding}). Called by the DefaultBinder plugin on the
 * pod's binding thread (a virtual thread); may block. Throw on failure (the pod is un-assumed and retried).
 */
@FunctionalInterface
public interface Binder {
    void bind(Pod pod, String nodeName) throws Exception;
}
