package dev.beluga.scheduler.framework;

/**
 * A value a plugin stores in the {@link CycleState}. {@link #cloneData()} must return a copy deep enough that
 * changes to the copy (by PreFilter {@code addPod}/{@code removePod} extensions during preemption or nominated-pod
 * evaluation) do not affect the original; immutable data may return {@code this}.
 */
public interface StateData {
    StateData cloneData();
}
