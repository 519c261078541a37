package dev.beluga.scheduler.util;

import dev.beluga.api.labels.InvalidSelectorException;
import dev.beluga.api.labels.LabelSelector;
import dev.beluga.api.labels.Operator;
import dev.beluga.api.labels.Requirement;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts fabric8's structured {@code metav1.LabelSelector} into Beluga's {@link LabelSelector}, as upstream's
 * {@code metav1.LabelSelectorAsSelector}: null gives {@link LabelSelector#NOTHING}, an empty selector
 * {@link LabelSelector#EVERYTHING}. Objects reaching the scheduler were validated by the API server, so keys and
 * values are not validated again here (only the operator).
 */
public final class Selectors {
    private Selectors() {
    }

    /** The selector of a structured label selector; null means "matches nothing". */
    public static LabelSelector of(io.fabric8.kubernetes.api.model.LabelSelector s) {
        if (s == null) return LabelSelector.NOTHING;
        List<Requirement> reqs = requirements(s);
        return reqs.isEmpty() ? LabelSelector.EVERYTHING : LabelSelector.of(reqs);
    }

    /** The requirements of a structured selector (match labels first, then expressions). */
    public static List<Requirement> requirements(io.fabric8.kubernetes.api.model.LabelSelector s) {
        List<Requirement> reqs = new ArrayList<>();
        if (s.getMatchLabels() != null)
            for (Map.Entry<String, String> e : s.getMatchLabels().entrySet())
                reqs.add(new Requirement(e.getKey(), Operator.EQUALS, Set.of(e.getValue() == null ? "" : e.getValue())));
        if (s.getMatchExpressions() != null)
            for (LabelSelectorRequirement r : s.getMatchExpressions()) reqs.add(expression(r));
        return reqs;
    }

    private static Requirement expression(LabelSelectorRequirement r) {
        String op = r.getOperator() == null ? "" : r.getOperator();
        Operator operator = switch (op) {
            case "In" -> Operator.IN;
            case "NotIn" -> Operator.NOT_IN;
            case "Exists" -> Operator.EXISTS;
            case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
            default -> throw new InvalidSelectorException("\"" + op + "\" is not a valid label selector operator");
        };
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return new Requirement(r.getKey() == null ? "" : r.getKey(), operator, Set.copyOf(values));
    }

    /** A selector requiring exactly these labels; an empty or null map gives {@link LabelSelector#EVERYTHING}. */
    public static LabelSelector ofMap(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) return LabelSelector.EVERYTHING;
        return LabelSelector.fromSet(labels);
    }

    /** The selector plus more requirements (upstream {@code selector.Add}). */
    public static LabelSelector and(LabelSelector s, List<Requirement> more) {
        if (more.isEmpty()) return s;
        if (s.matchesNothing()) return s;
        List<Requirement> all = new ArrayList<>(s.requirements());
        all.addAll(more);
        return LabelSelector.of(all);
    }
}
