package dev.beluga.controllers.daemonset;

import dev.beluga.controllers.runtime.NodeSelectorTerms;
import dev.beluga.controllers.runtime.Tolerations;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where daemon pods belong (upstream {@code NodeShouldRunDaemonPod} and friends): a node runs the pod when the
 * pod's nodeSelector and required node affinity match it and every NoSchedule/NoExecute taint is tolerated, counting
 * the tolerations every daemon pod gets ({@link #defaultTolerations}). Pods are pinned to their node with a required
 * node-affinity term on {@code metadata.name}, and the default scheduler binds them. Stateless.
 */
final class DaemonPlacement {
    private DaemonPlacement() {
    }

    /** The tolerations upstream adds to every daemon pod (the node-condition taints must not evict daemons). */
    static List<Toleration> defaultTolerations(PodSpec spec) {
        List<Toleration> t = new ArrayList<>();
        t.add(toleration("node.kubernetes.io/not-ready", "NoExecute"));
        t.add(toleration("node.kubernetes.io/unreachable", "NoExecute"));
        t.add(toleration("node.kubernetes.io/disk-pressure", "NoSchedule"));
        t.add(toleration("node.kubernetes.io/memory-pressure", "NoSchedule"));
        t.add(toleration("node.kubernetes.io/pid-pressure", "NoSchedule"));
        t.add(toleration("node.kubernetes.io/unschedulable", "NoSchedule"));
        if (Boolean.TRUE.equals(spec.getHostNetwork())) t.add(toleration("node.kubernetes.io/network-unavailable", "NoSchedule"));
        return t;
    }

    private static Toleration toleration(String key, String effect) {
        return new TolerationBuilder().withKey(key).withOperator("Exists").withEffect(effect).build();
    }

    /** The template's tolerations plus the defaults it does not already have. */
    static List<Toleration> withDefaults(PodSpec spec) {
        List<Toleration> all = new ArrayList<>(spec.getTolerations() == null ? List.of() : spec.getTolerations());
        for (Toleration d : defaultTolerations(spec))
            if (all.stream().noneMatch(t -> Objects.equals(t.getKey(), d.getKey()) && Objects.equals(t.getEffect(), d.getEffect()))) all.add(d);
        return all;
    }

    static boolean shouldRun(Node node, PodSpec spec) {
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        if (spec.getNodeSelector() != null)
            for (var e : spec.getNodeSelector().entrySet()) if (!e.getValue().equals(labels.get(e.getKey()))) return false;
        Affinity a = spec.getAffinity();
        if (a != null && a.getNodeAffinity() != null && a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
            List<NodeSelectorTerm> terms = a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
            if (terms != null && !terms.isEmpty() && !NodeSelectorTerms.anyMatches(terms, node)) return false;
        }
        List<Toleration> tolerations = withDefaults(spec);
        if (node.getSpec() != null && node.getSpec().getTaints() != null) {
            for (Taint taint : node.getSpec().getTaints()) {
                if (!"NoSchedule".equals(taint.getEffect()) && !"NoExecute".equals(taint.getEffect())) continue;
                if (tolerations.stream().noneMatch(t -> Tolerations.tolerates(t, taint))) return false;
            }
        }
        return true;
    }

    /** Pins a pod spec to a node: every required node-affinity term also requires {@code metadata.name In [node]}. */
    static void pinToNode(PodSpec spec, String node) {
        NodeSelectorRequirement byName = new NodeSelectorRequirementBuilder().withKey("metadata.name").withOperator("In").withValues(node).build();
        if (spec.getAffinity() == null) spec.setAffinity(new Affinity());
        var na = spec.getAffinity().getNodeAffinity();
        if (na == null) {
            na = new io.fabric8.kubernetes.api.model.NodeAffinity();
            spec.getAffinity().setNodeAffinity(na);
        }
        var required = na.getRequiredDuringSchedulingIgnoredDuringExecution();
        if (required == null || required.getNodeSelectorTerms() == null || required.getNodeSelectorTerms().isEmpty()) {
            na.setRequiredDuringSchedulingIgnoredDuringExecution(new io.fabric8.kubernetes.api.model.NodeSelector(
                List.of(new NodeSelectorTermBuilder().withMatchFields(byName).build())));
            return;
        }
        List<NodeSelectorTerm> terms = new ArrayList<>();
        for (NodeSelectorTerm t : required.getNodeSelectorTerms()) {
            List<NodeSelectorRequirement> fields = new ArrayList<>();
            if (t.getMatchFields() != null) for (var f : t.getMatchFields()) if (!"metadata.name".equals(f.getKey())) fields.add(f);
            fields.add(byName);
            terms.add(new NodeSelectorTermBuilder(t).withMatchFields(fields).build());
        }
        required.setNodeSelectorTerms(terms);
    }

    /** The node a daemon pod is meant for: its node name, else the {@code metadata.name} its affinity pins it to. */
    static String targetNode(Pod p) {
        if (p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty()) return p.getSpec().getNodeName();
        Affinity a = p.getSpec().getAffinity();
        if (a == null || a.getNodeAffinity() == null || a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null)
            return null;
        for (NodeSelectorTerm t : a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()) {
            if (t.getMatchFields() == null) continue;
            for (var f : t.getMatchFields())
                if ("metadata.name".equals(f.getKey()) && "In".equals(f.getOperator()) && f.getValues() != null && f.getValues().size() == 1)
                    return f.getValues().getFirst();
        }
        return null;
    }
}
