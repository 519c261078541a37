package dev.beluga.scheduler.plugins.helper;

import dev.beluga.api.labels.LabelSelector;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pod's hard node constraints (upstream {@code nodeaffinity.RequiredNodeAffinity}): {@code spec.nodeSelector}
 * (every label must match) and {@code affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution} (at least
 * one term must match). Immutable and thread-safe.
 */
public final class RequiredNodeAffinity {
    private static final RequiredNodeAffinity NONE = new RequiredNodeAffinity(null, null);

    private final LabelSelector nodeSelector;
    private final List<NodeSelectorTerm> terms;

    private RequiredNodeAffinity(LabelSelector nodeSelector, List<NodeSelectorTerm> terms) {
        this.nodeSelector = nodeSelector;
        this.terms = terms;
    }

    public static RequiredNodeAffinity of(Pod pod) {
        if (pod.getSpec() == null) return NONE;
        Map<String, String> ns = pod.getSpec().getNodeSelector();
        LabelSelector sel = ns == null || ns.isEmpty() ? null : LabelSelector.fromSet(ns);
        NodeSelector required = null;
        if (pod.getSpec().getAffinity() != null && pod.getSpec().getAffinity().getNodeAffinity() != null)
            required = pod.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        List<NodeSelectorTerm> terms = required == null ? null : terms(required);
        if (sel == null && terms == null) return NONE;
        return new RequiredNodeAffinity(sel, terms);
    }

    /** A node selector's terms (null selector: none). */
    public static List<NodeSelectorTerm> terms(NodeSelector s) {
        List<NodeSelectorTerm> out = new ArrayList<>();
        if (s.getNodeSelectorTerms() != null)
            for (var t : s.getNodeSelectorTerms()) out.add(NodeSelectorTerm.of(t));
        return out;
    }

    /** Whether any term of a node selector matches (an empty selector matches nothing). */
    public static boolean anyTermMatches(List<NodeSelectorTerm> terms, Map<String, String> labels, String nodeName) {
        for (NodeSelectorTerm t : terms) if (t.matches(labels, nodeName)) return true;
        return false;
    }

    public boolean isEmpty() {
        return nodeSelector == null && terms == null;
    }

    public List<NodeSelectorTerm> terms() {
        return terms;
    }

    public boolean matches(Map<String, String> nodeLabels, String nodeName) {
        if (nodeSelector != null && !nodeSelector.matches(nodeLabels)) return false;
        return terms == null || anyTermMatches(terms, nodeLabels, nodeName);
    }
}
