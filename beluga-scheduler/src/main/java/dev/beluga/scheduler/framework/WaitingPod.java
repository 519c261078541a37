package dev.beluga.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;

/** A pod parked at Permit. Thread-safe: plugins may allow or reject it from any thread. */
public interface WaitingPod {
    Pod pod();

    /** The node the pod was reserved on. */
    String nodeName();

    /** Plugins that still have to allow the pod. */
    List<String> pendingPlugins();

    /** One plugin allows the pod; it proceeds to binding when no plugin is pending. */
    void allow(String pluginName);

    /** Rejects the pod; its binding cycle fails with Unschedulable and this message. */
    void reject(String pluginName, String message);
}
