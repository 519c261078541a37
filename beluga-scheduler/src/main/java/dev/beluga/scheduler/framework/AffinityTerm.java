package dev.beluga.scheduler.framework;

import dev.beluga.api.labels.LabelSelector;

import java.util.Map;
import java.util.Set;

/**
 * A parsed pod (anti-)affinity term, as upstream's {@code framework.AffinityTerm}: the pod selector, the namespaces
 * it applies to (explicit names; the owning pod's namespace when neither names nor a namespace selector are given),
 * the namespace selector ({@link LabelSelector#NOTHING} when absent) and the topology key. Immutable.
 */
public record AffinityTerm(Set<String> namespaces, LabelSelector selector, String topologyKey, LabelSelector namespaceSelector) {

    /** Whether a pod is in the term's namespaces (or its namespace's labels match the selector) and matches the selector. */
    public boolean matches(PodInfo pod, Map<String, String> namespaceLabels) {
        if (namespaces.contains(pod.namespace())
            || (!namespaceSelector.matchesNothing() && namespaceSelector.matches(namespaceLabels == null ? Map.of() : namespaceLabels)))
            return selector.matches(pod.labels());
        return false;
    }
}
