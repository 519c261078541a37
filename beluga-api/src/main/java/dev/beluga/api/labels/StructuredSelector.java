package dev.beluga.api.labels;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Converts the structured {@code metav1.LabelSelector} ({@code matchLabels} and {@code matchExpressions}) into
 * requirements, as upstream's {@code LabelSelectorAsSelector} does.
 */
final class StructuredSelector {
    private StructuredSelector() {
    }

    /**
     * The requirements of a structured selector object: one {@code key=value} per match label, then one per
     * expression (operators {@code In}, {@code NotIn}, {@code Exists}, {@code DoesNotExist}).
     *
     * @throws InvalidSelectorException on an unknown operator, a malformed member or an invalid key, value or value count
     */
    static List<Requirement> requirements(JsonNode selector) {
        List<Requirement> out = new ArrayList<>();
        JsonNode matchLabels = selector.path("matchLabels");
        if (!matchLabels.isMissingNode() && !matchLabels.isNull()) {
            if (!matchLabels.isObject()) throw new InvalidSelectorException("matchLabels must be an object of strings");
            for (Map.Entry<String, JsonNode> e : matchLabels.properties()) {
                out.add(Requirement.validated(e.getKey(), Operator.EQUALS, List.of(text(e.getValue()))));
            }
        }
        JsonNode expressions = selector.path("matchExpressions");
        if (!expressions.isMissingNode() && !expressions.isNull()) {
            if (!expressions.isArray()) throw new InvalidSelectorException("matchExpressions must be a list");
            for (JsonNode expression : expressions) out.add(expression(expression));
        }
        return out;
    }

    private static Requirement expression(JsonNode expression) {
        String operator = text(expression.path("operator"));
        Operator op = switch (operator) {
            case "In" -> Operator.IN;
            case "NotIn" -> Operator.NOT_IN;
            case "Exists" -> Operator.EXISTS;
            case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
            default -> throw new InvalidSelectorException(FieldErrorText.goQuote(operator) + " is not a valid label selector operator");
        };
        List<String> values = new ArrayList<>();
        JsonNode vs = expression.path("values");
        if (!vs.isMissingNode() && !vs.isNull()) {
            if (!vs.isArray()) throw new InvalidSelectorException("matchExpressions values must be a list of strings");
            for (JsonNode v : vs) values.add(text(v));
        }
        return Requirement.validated(text(expression.path("key")), op, values);
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? "" : n.asText();
    }
}
