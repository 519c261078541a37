package dev.beluga.scheduler.framework;

/**
 * Called before a pod enters the active queue; a non-success status keeps the pod out ("gated") until an event
 * registered by the plugin lets it in. Runs under the queue lock: must be fast and must not block.
 */
public interface PreEnqueuePlugin extends Plugin {
    Status preEnqueue(PodInfo pod);
}
