package dev.beluga.controllers.disruption;

import dev.beluga.controllers.runtime.PodStates;
import io.fabric8.kubernetes.api.model.Pod;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A budget's {@code status.disruptedPods}: pods the eviction API has admitted (name → eviction time) whose deletion
 * the controller has not seen yet. They count as not healthy for {@link #TIMEOUT} after the eviction; an entry is
 * dropped when its pod is gone, no longer selected, being deleted, or the timeout has passed (upstream
 * {@code buildDisruptedPodMap}). Immutable.
 *
 * @param entries  the entries to keep (sorted by name)
 * @param recheck  when the earliest kept entry expires (the budget must be synced again then), or null
 */
record DisruptedPods(Map<String, String> entries, Instant recheck) {
    /** How long an admitted eviction may take before the pod counts again (upstream {@code DeletionTimeout}). */
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** Prunes {@code recorded} against the budget's current {@code pods} at {@code now}. */
    static DisruptedPods prune(Map<String, String> recorded, List<Pod> pods, Instant now) {
        Map<String, String> kept = new TreeMap<>();
        Instant recheck = null;
        if (recorded == null || recorded.isEmpty()) return new DisruptedPods(kept, null);
        for (Pod p : pods) {
            if (p.getMetadata().getDeletionTimestamp() != null) continue;
            String at = recorded.get(p.getMetadata().getName());
            if (at == null) continue;
            Instant evicted = parse(at);
            if (evicted == null) continue;
            Instant expires = evicted.plus(TIMEOUT);
            if (expires.isBefore(now)) continue;
            kept.put(p.getMetadata().getName(), at);
            if (recheck == null || expires.isBefore(recheck)) recheck = expires;
        }
        return new DisruptedPods(kept, recheck);
    }

    /** Healthy pods: Ready, not being deleted, and not admitted for eviction within the timeout. */
    int countHealthy(List<Pod> pods) {
        int n = 0;
        for (Pod p : pods) {
            if (p.getMetadata().getDeletionTimestamp() != null) continue;
            if (entries.containsKey(p.getMetadata().getName())) continue;
            if (PodStates.isReady(p)) n++;
        }
        return n;
    }

    private static Instant parse(String t) {
        try {
            return Instant.parse(t);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
