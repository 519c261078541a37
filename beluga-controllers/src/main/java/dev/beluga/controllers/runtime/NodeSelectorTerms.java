package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;

import java.util.List;
import java.util.Map;

/**
 * Node selector terms as upstream's {@code nodeaffinity} helpers read them (pod required node affinity, PV node
 * affinity): terms are ORed, a term's requirements ANDed, a term without requirements matches nothing;
 * {@code matchExpressions} on labels with In/NotIn/Exists/DoesNotExist/Gt/Lt, {@code matchFields} on
 * {@code metadata.name}. Pure functions.
 */
public final class NodeSelectorTerms {
    private NodeSelectorTerms() {
    }

    /** Whether any of the terms matches the node (an empty list matches nothing). */
    public static boolean anyMatches(List<NodeSelectorTerm> terms, Node node) {
        if (terms == null) return false;
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        for (NodeSelectorTerm t : terms) if (matches(t, node.getMetadata().getName(), labels)) return true;
        return false;
    }

    private static boolean matches(NodeSelectorTerm term, String nodeName, Map<String, String> labels) {
        boolean any = false;
        if (term.getMatchExpressions() != null) for (NodeSelectorRequirement r : term.getMatchExpressions()) {
            any = true;
            if (!requirement(r, labels.get(r.getKey()), labels.containsKey(r.getKey()))) return false;
        }
        if (term.getMatchFields() != null) for (NodeSelectorRequirement r : term.getMatchFields()) {
            any = true;
            if (!"metadata.name".equals(r.getKey()) || !requirement(r, nodeName, true)) return false;
        }
        return any;
    }

    private static boolean requirement(NodeSelectorRequirement r, String value, boolean present) {
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator() == null ? "" : r.getOperator()) {
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
}
