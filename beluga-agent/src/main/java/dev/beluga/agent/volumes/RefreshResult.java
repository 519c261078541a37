package dev.beluga.agent.volumes;

import java.util.Map;
import java.util.Set;

/**
 * What {@link PodVolumes#refresh} did: the volumes whose content was rewritten, and per volume that could not be
 * refreshed the reason (its old content stays in place, as with the kubelet).
 */
public record RefreshResult(Set<String> updated, Map<String, String> failed) {
    public RefreshResult {
        updated = Set.copyOf(updated);
        failed = Map.copyOf(failed);
    }
}
