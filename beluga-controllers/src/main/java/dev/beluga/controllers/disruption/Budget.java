package dev.beluga.controllers.disruption;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;

/**
 * The arithmetic of a PodDisruptionBudget (upstream {@code getExpectedPodCount}): which count the budget is relative
 * to, and how many healthy pods it demands. Stateless; invalid values throw {@link IllegalArgumentException}.
 */
final class Budget {
    private Budget() {
    }

    /**
     * True when the expected count is the sum of the pods' controllers' replicas (a percentage minAvailable, or any
     * maxUnavailable); false when it is the number of matching pods (an integer minAvailable, or neither field).
     */
    static boolean needsControllerScale(PodDisruptionBudgetSpec spec) {
        if (spec.getMaxUnavailable() != null) return true;
        return spec.getMinAvailable() != null && !isInt(spec.getMinAvailable());
    }

    /**
     * How many healthy pods the budget demands out of {@code expected}: minAvailable as is (a percentage of expected,
     * rounded up), or expected minus maxUnavailable (a percentage rounded up), never below 0. Neither set: 0.
     */
    static int desiredHealthy(PodDisruptionBudgetSpec spec, int expected) {
        if (spec.getMaxUnavailable() != null) return Math.max(0, expected - scaled(spec.getMaxUnavailable(), expected));
        if (spec.getMinAvailable() != null) return scaled(spec.getMinAvailable(), expected);
        return 0;
    }

    /** Disruptions allowed: healthy pods beyond the desired ones, and none while nothing is expected. */
    static int disruptionsAllowed(int currentHealthy, int desiredHealthy, int expected) {
        if (expected <= 0) return 0;
        return Math.max(0, currentHealthy - desiredHealthy);
    }

    /** An integer as is; {@code "N%"} of {@code total}, rounded up (upstream {@code GetScaledValueFromIntOrPercent}). */
    static int scaled(IntOrString v, int total) {
        if (isInt(v)) return v.getIntVal();
        String s = v.getStrVal();
        if (s == null || !s.endsWith("%")) throw new IllegalArgumentException("invalid value for IntOrString: invalid type: string is not a percentage");
        int pct;
        try {
            pct = Integer.parseInt(s.substring(0, s.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid value \"" + s + "\": " + e.getMessage());
        }
        return (int) Math.ceil(pct * (double) total / 100.0);
    }

    private static boolean isInt(IntOrString v) {
        return v.getIntVal() != null && v.getStrVal() == null;
    }
}
