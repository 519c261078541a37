package dev.beluga.scheduler.plugins.helper;

import dev.beluga.api.labels.InvalidSelectorException;
import dev.beluga.api.labels.LabelSelector;
import dev.beluga.api.labels.Operator;
import dev.beluga.api.labels.Requirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code NodeSelectorTerm}: label requirements ({@code In}, {@code NotIn}, {@code Exists},
 * {@code DoesNotExist}, {@code Gt}, {@code Lt}) and field requirements (only {@code metadata.name} with {@code In} or
 * {@code NotIn} and one value), ANDed. A term with neither, or that does not parse, matches no node (upstream's
 * lazy-error node selector). Immutable.
 */
public final class NodeSelectorTerm {
    private final LabelSelector labels;
    private final List<String[]> fields;
    private final boolean valid;

    private NodeSelectorTerm(LabelSelector labels, List<String[]> fields, boolean valid) {
        this.labels = labels;
        this.fields = fields;
        this.valid = valid;
    }

    public static NodeSelectorTerm of(io.fabric8.kubernetes.api.model.NodeSelectorTerm t) {
        List<NodeSelectorRequirement> exprs = t.getMatchExpressions() == null ? List.of() : t.getMatchExpressions();
        List<NodeSelectorRequirement> fieldReqs = t.getMatchFields() == null ? List.of() : t.getMatchFields();
        if (exprs.isEmpty() && fieldReqs.isEmpty()) return new NodeSelectorTerm(null, List.of(), false);
        try {
            LabelSelector sel = null;
            if (!exprs.isEmpty()) {
                List<Requirement> reqs = new ArrayList<>();
                for (NodeSelectorRequirement r : exprs) reqs.add(requirement(r));
                sel = LabelSelector.of(reqs);
            }
            List<String[]> fs = new ArrayList<>();
            for (NodeSelectorRequirement r : fieldReqs) {
                if (!"metadata.name".equals(r.getKey())) return new NodeSelectorTerm(null, List.of(), false);
                String op = r.getOperator();
                if (!"In".equals(op) && !"NotIn".equals(op)) return new NodeSelectorTerm(null, List.of(), false);
                if (r.getValues() == null || r.getValues().size() != 1) return new NodeSelectorTerm(null, List.of(), false);
                fs.add(new String[]{op, r.getValues().get(0)});
            }
            return new NodeSelectorTerm(sel, fs, true);
        } catch (InvalidSelectorException | IllegalArgumentException e) {
            return new NodeSelectorTerm(null, List.of(), false);
        }
    }

    static Requirement requirement(NodeSelectorRequirement r) {
        Operator op = switch (r.getOperator() == null ? "" : r.getOperator()) {
            case "In" -> Operator.IN;
            case "NotIn" -> Operator.NOT_IN;
            case "Exists" -> Operator.EXISTS;
            case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
            case "Gt" -> Operator.GREATER_THAN;
            case "Lt" -> Operator.LESS_THAN;
            default -> throw new IllegalArgumentException("\"" + r.getOperator() + "\" is not a valid node selector operator");
        };
        return Requirement.validated(r.getKey(), op, r.getValues() == null ? List.of() : r.getValues());
    }

    /** The node names this term pins with {@code metadata.name In}, or null when it has none. */
    public List<String> nameInValues() {
        List<String> out = null;
        for (String[] f : fields) {
            if (f[0].equals("In")) {
                if (out == null) out = new ArrayList<>();
                out.add(f[1]);
            }
        }
        return out;
    }

    public boolean matches(Map<String, String> nodeLabels, String nodeName) {
        if (!valid) return false;
        if (labels != null && !labels.matches(nodeLabels)) return false;
        for (String[] f : fields) {
            boolean eq = f[1].equals(nodeName);
            if (f[0].equals("In") ? !eq : eq) return false;
        }
        return true;
    }
}
