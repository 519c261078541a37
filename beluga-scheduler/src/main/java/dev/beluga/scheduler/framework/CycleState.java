package dev.beluga.scheduler.framework;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-scheduling-cycle data shared by the plugins of one profile, created when a pod is popped from the queue and
 * dropped when its binding cycle ends.
 *
 * <p>Threading: written by PreFilter/PreScore (the scheduling thread) and read concurrently by Filter/Score running
 * on the parallelizer's threads; the backing map is concurrent so plugins may also write from there. The skip sets
 * are written only by the framework on the scheduling thread before the parallel phases start.
 */
public final class CycleState {
    private final Map<String, StateData> data;
    private final Set<String> skipFilterPlugins;
    private final Set<String> skipScorePlugins;

    public CycleState() {
        this(new ConcurrentHashMap<>(), new HashSet<>(), new HashSet<>());
    }

    private CycleState(Map<String, StateData> data, Set<String> skipFilter, Set<String> skipScore) {
        this.data = data;
        this.skipFilterPlugins = skipFilter;
        this.skipScorePlugins = skipScore;
    }

    /** The value under a key, or null when absent. */
    public <T extends StateData> T read(StateKey<T> key) {
        StateData d = data.get(key.name());
        return d == null ? null : key.type().cast(d);
    }

    public <T extends StateData> void write(StateKey<T> key, T value) {
        if (value == null) data.remove(key.name());
        else data.put(key.name(), value);
    }

    public void delete(StateKey<?> key) {
        data.remove(key.name());
    }

    /** Plugins whose PreFilter returned Skip: their Filter is not called in this cycle. */
    public Set<String> skipFilterPlugins() {
        return skipFilterPlugins;
    }

    /** Plugins whose PreScore returned Skip: their Score is not called in this cycle. */
    public Set<String> skipScorePlugins() {
        return skipScorePlugins;
    }

    /** A copy whose entries are {@link StateData#cloneData() cloned}, for "what if" evaluations (preemption). */
    public CycleState copy() {
        Map<String, StateData> m = new ConcurrentHashMap<>();
        data.forEach((k, v) -> m.put(k, v.cloneData()));
        return new CycleState(m, new HashSet<>(skipFilterPlugins), new HashSet<>(skipScorePlugins));
    }
}
