package dev.beluga.controllers.disruption;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code DisruptionAllowed} condition of a budget's status, set as upstream's {@code SetStatusCondition}: other
 * conditions are kept, and {@code lastTransitionTime} changes only when the condition's status does. Stateless.
 */
final class BudgetConditions {
    static final String TYPE = "DisruptionAllowed";
    static final String SUFFICIENT_PODS = "SufficientPods";
    static final String INSUFFICIENT_PODS = "InsufficientPods";
    static final String SYNC_FAILED = "SyncFailed";

    private BudgetConditions() {
    }

    /** {@code old} with the DisruptionAllowed condition set to the given values (a new list; {@code old} may be null). */
    static List<Condition> with(List<Condition> old, boolean allowed, String reason, String message, Long observedGeneration, Instant now) {
        String status = allowed ? "True" : "False";
        Condition previous = null;
        if (old != null) for (Condition c : old) if (TYPE.equals(c.getType())) previous = c;
        String since = previous != null && Objects.equals(previous.getStatus(), status) && previous.getLastTransitionTime() != null
            ? previous.getLastTransitionTime() : now.truncatedTo(ChronoUnit.SECONDS).toString();
        Condition next = new ConditionBuilder().withType(TYPE).withStatus(status).withReason(reason).withMessage(message == null ? "" : message)
            .withObservedGeneration(observedGeneration).withLastTransitionTime(since).build();
        List<Condition> out = new ArrayList<>();
        if (old != null) for (Condition c : old) {
            if (c == previous) out.add(next);
            else if (!TYPE.equals(c.getType())) out.add(c);
        }
        if (previous == null) out.add(next);
        return out;
    }
}
