package dev.beluga.api.labels;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes label selector: a conjunction of {@link Requirement}s, kept sorted by key as upstream keeps them.
 *
 * <p>Two special selectors exist: {@link #EVERYTHING} (no requirements, what an empty string or an empty structured
 * selector means) and {@link #NOTHING} (matches no object, what a null structured selector means). Immutable and
 * thread-safe.
 */
public final class LabelSelector {
    /** Matches every set of labels; {@link #isEmpty()} is true. */
    public static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
    /** Matches no set of labels; {@link #isEmpty()} is false and it prints as the empty string. */
    public static final LabelSelector NOTHING = new LabelSelector(List.of(), true);

    private final List<Requirement> requirements;
    private final boolean nothing;

    private LabelSelector(List<Requirement> requirements, boolean nothing) {
        this.requirements = requirements;
        this.nothing = nothing;
    }

    /**
     * Parses the string form used in {@code ?labelSelector=}: equality ({@code a=b}, {@code a==b}, {@code a!=b}),
     * set-based ({@code a in (x,y)}, {@code a notin (x)}, {@code a}, {@code !a}) and integer ({@code a>1},
     * {@code a<1}) requirements separated by commas. Null, empty or blank means {@link #EVERYTHING}.
     *
     * @throws InvalidSelectorException with upstream's message when the string does not parse or a key or value is invalid
     */
    public static LabelSelector parse(String selector) {
        if (selector == null) return EVERYTHING;
        return of(SelectorParser.parse(selector));
    }

    /**
     * Converts a structured {@code metav1.LabelSelector}: null, missing or JSON null gives {@link #NOTHING}; an object
     * with no match labels and no expressions gives {@link #EVERYTHING}.
     *
     * @throws InvalidSelectorException on an unknown operator, a malformed selector or an invalid key, value or value count
     */
    public static LabelSelector fromJson(JsonNode selector) {
        if (selector == null || selector.isNull() || selector.isMissingNode()) return NOTHING;
        if (!selector.isObject()) throw new InvalidSelectorException("a label selector must be a JSON object");
        return of(StructuredSelector.requirements(selector));
    }

    /** A selector requiring exactly these labels ({@code key=value} each), unvalidated, like upstream's {@code SelectorFromSet}. */
    public static LabelSelector fromSet(Map<String, String> labels) {
        List<Requirement> reqs = new ArrayList<>();
        labels.forEach((k, v) -> reqs.add(new Requirement(k, Operator.EQUALS, Set.of(v))));
        return of(reqs);
    }

    /** A selector of these requirements (sorted by key; stable for equal keys). */
    public static LabelSelector of(List<Requirement> requirements) {
        if (requirements.isEmpty()) return EVERYTHING;
        List<Requirement> sorted = new ArrayList<>(requirements);
        sorted.sort(Comparator.comparing(Requirement::key));
        return new LabelSelector(List.copyOf(sorted), false);
    }

    /** The requirements, sorted by key; empty for {@link #EVERYTHING} and {@link #NOTHING}. */
    public List<Requirement> requirements() {
        return requirements;
    }

    /** True when the selector does not restrict anything (no requirements); false for {@link #NOTHING}. */
    public boolean isEmpty() {
        return !nothing && requirements.isEmpty();
    }

    /** True for {@link #NOTHING}, the selector that matches no object. */
    public boolean matchesNothing() {
        return nothing;
    }

    /** Whether these labels (key to value) satisfy every requirement. */
    public boolean matches(Map<String, String> labels) {
        if (nothing) return false;
        for (Requirement r : requirements) if (!r.matches(labels)) return false;
        return true;
    }

    /**
     * Whether a JSON object of labels (an object's {@code metadata.labels}) satisfies every requirement; null, missing
     * or non-object means no labels. Non-string values are read as text.
     */
    public boolean matches(JsonNode labels) {
        if (nothing) return false;
        if (requirements.isEmpty()) return true;
        Map<String, String> m = new HashMap<>();
        if (labels != null && labels.isObject())
            for (Map.Entry<String, JsonNode> e : labels.properties()) {
                m.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
            }
        return matches(m);
    }

    /**
     * The value a label must have for the selector to match, when the first requirement on {@code key} is an equality
     * or an {@code in} with a single value (upstream's {@code RequiresExactMatch}); otherwise null.
     */
    public String exactValue(String key) {
        for (Requirement r : requirements) {
            if (!r.key().equals(key)) continue;
            boolean single = r.operator().isEquality() || r.operator() == Operator.IN;
            return single && r.values().size() == 1 ? r.values().iterator().next() : null;
        }
        return null;
    }

    /** The canonical string form, as upstream prints it: requirements sorted by key, values sorted, comma-separated. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Requirement r : requirements) parts.add(r.toString());
        return String.join(",", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSelector other && other.nothing == nothing && other.requirements.equals(requirements);
    }

    @Override
    public int hashCode() {
        return requirements.hashCode() * 31 + (nothing ? 1 : 0);
    }
}
