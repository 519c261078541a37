package dev.beluga.scheduler.plugins.podtopologyspread;

import dev.beluga.api.labels.LabelSelector;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.plugins.helper.RequiredNodeAffinity;
import dev.beluga.scheduler.plugins.helper.Taints;

import java.util.List;
import java.util.Map;

/**
 * A parsed topology spread constraint (upstream {@code topologySpreadConstraint}): the selector includes
 * {@code matchLabelKeys}; {@code nodeAffinityPolicy} Honor (default) counts only nodes matching the pod's node
 * affinity, {@code nodeTaintsPolicy} Ignore (default) counts tainted nodes too. Immutable.
 */
record SpreadConstraint(int maxSkew, String topologyKey, LabelSelector selector, int minDomains,
                        boolean honorNodeAffinity, boolean honorNodeTaints) {

    /** Whether a node's domain counts for this constraint, per the inclusion policies. */
    boolean matchNodeInclusionPolicies(PodInfo pod, NodeInfo node, RequiredNodeAffinity required) {
        if (honorNodeAffinity && !required.matches(node.labels(), node.name())) return false;
        if (honorNodeTaints) {
            var spec = node.node() == null ? null : node.node().getSpec();
            if (spec != null && Taints.firstUntolerated(spec.getTaints(),
                pod.pod().getSpec() == null ? null : pod.pod().getSpec().getTolerations(), Taints.DO_NOT_SCHEDULE) != null)
                return false;
        }
        return true;
    }

    /** True when the node has every constraint's topology key. */
    static boolean nodeHasAllKeys(Map<String, String> labels, List<SpreadConstraint> constraints) {
        for (SpreadConstraint c : constraints) if (!labels.containsKey(c.topologyKey())) return false;
        return true;
    }

    /** Pods on the node in the namespace, not being deleted, matching the selector. */
    static int countMatching(List<PodInfo> pods, LabelSelector selector, String namespace) {
        int n = 0;
        for (PodInfo p : pods) {
            if (!p.namespace().equals(namespace) || p.isTerminating()) continue;
            if (selector.matches(p.labels())) n++;
        }
        return n;
    }
}
