package dev.beluga.scheduler.framework;

/** Orders the active queue; exactly one per scheduler (all profiles share the first profile's). */
public interface QueueSortPlugin extends Plugin {
    /** True when {@code a} should be scheduled before {@code b}. */
    boolean less(QueuedPodInfo a, QueuedPodInfo b);
}
