package dev.beluga.controllers.daemonset;

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
            if (terms != null && !terms.isEmpty() && terms.stream().noneMatch(t -> matches(t, node, labels))) return false;
        }
        List<Toleration> tolerations = withDefaults(spec);
        if (node.getSpec() != null && node.getSpec().getTaints() != null) {
            for (Taint taint : node.getSpec().getTaints()) {
                if (!"NoSchedule".equals(taint.getEffect()) && !"NoExecute".equals(taint.getEffect())) continue;
                if (tolerations.stream().noneMatch(t -> tolerates(t, taint))) return false;
            }
        }
        return true;
    }

    private static boolean matches(NodeSelectorTerm term, Node node, Map<String, String> labels) {
        boolean any = false;
        if (term.getMatchExpressions() != null) for (NodeSelectorRequirement r : term.getMatchExpressions()) {
            any = true;
            if (!requirement(r, labels.get(r.getKey()), labels.containsKey(r.getKey()))) return false;
        }
        if (term.getMatchFields() != null) for (NodeSelectorRequirement r : term.getMatchFields()) {
            any = true;
            if (!"metadata.name".equals(r.getKey())) return false;
            if (!requirement(r, node.getMetadata().getName(), true)) return false;
        }
        return any;
    }

    private static boolean requirement(NodeSelectorRequirement r, String value, boolean present) {
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> present && values.contains(value);
            case "NotIn" -> !present || !values.contains(value);
            case "Exists" -> present;
            case "DoesNotExist" -> !present;
            case "Gt", "Lt" -> {
                try {
                    long v = Long.parseLong(value);
                    long bound = Long.parseLong(values.getFirst());
                    yield present && ("Gt".equals(r.getOperator()) ? v > bound : v < bound);
                } catch (RuntimeException e) {
                    yield false;
                }
            }
            default -> false;
        };
    }

    static boolean tolerates(Toleration t, Taint taint) {
        if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) return false;
        String op = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
        if (t.getKey() == null || t.getKey().isEmpty()) return "Exists".equals(op);
        if (!t.getKey().equals(taint.getKey())) return false;
        return "Exists".equals(op) || Objects.equals(t.getValue() == null ? "" : t.getValue(), taint.getValue() == null ? "" : taint.getValue());
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
