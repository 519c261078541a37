package dev.beluga.controllers.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;

import java.util.List;

/**
 * The rolling-update arithmetic of upstream's deployment controller, as pure functions (unit-tested on their own).
 */
final class RolloutMath {
    private RolloutMath() {
    }

    /** {@code maxSurge} and {@code maxUnavailable} resolved against the replicas. */
    record Limits(int maxSurge, int maxUnavailable) {
    }

    /**
     * Resolves the two limits as upstream's {@code ResolveFenceposts}: percentages of the replicas, surge rounded up,
     * unavailable rounded down; both zero would deadlock, so unavailable becomes 1.
     */
    static Limits resolve(IntOrString maxSurge, IntOrString maxUnavailable, int replicas) {
        int surge = value(maxSurge == null ? new IntOrString("25%") : maxSurge, replicas, true);
        int unavailable = value(maxUnavailable == null ? new IntOrString("25%") : maxUnavailable, replicas, false);
        if (surge == 0 && unavailable == 0) unavailable = 1;
        return new Limits(surge, unavailable);
    }

    static int value(IntOrString v, int total, boolean roundUp) {
        if (v.getIntVal() != null) return v.getIntVal();
        String s = v.getStrVal();
        if (s == null || s.isEmpty()) return 0;
        if (!s.endsWith("%")) return Integer.parseInt(s);
        double x = Integer.parseInt(s.substring(0, s.length() - 1)) * total / 100.0;
        return (int) (roundUp ? Math.ceil(x) : Math.floor(x));
    }

    /**
     * The new ReplicaSet's size for this step (upstream {@code NewRSNewReplicas}, RollingUpdate): grow it by what the
     * surge allows over the replicas of every ReplicaSet, never past the desired replicas.
     */
    static int newReplicas(int desired, int newCurrent, int allCurrent, Limits limits) {
        if (newCurrent >= desired) return desired;
        int maxTotal = desired + limits.maxSurge();
        if (allCurrent >= maxTotal) return newCurrent;
        int scaleUp = Math.min(maxTotal - allCurrent, desired - newCurrent);
        return newCurrent + scaleUp;
    }

    /**
     * How many old replicas may go now (upstream {@code reconcileOldReplicaSets}): keep at least
     * {@code desired - maxUnavailable} available, counting the new ReplicaSet's unavailable pods as unavailable.
     */
    static int maxScaleDown(int desired, int allCurrent, int newCurrent, int newAvailable, Limits limits) {
        int minAvailable = desired - limits.maxUnavailable();
        int newUnavailable = newCurrent - newAvailable;
        return Math.max(0, allCurrent - minAvailable - newUnavailable);
    }

    /**
     * Proportional scaling (upstream {@code scale} with several active ReplicaSets): spreads {@code delta} over the
     * sizes in proportion, rounding down, and gives what is left to the largest (ties: the first). Returns the new
     * sizes, none negative.
     */
    static int[] proportional(List<Integer> sizes, int delta) {
        int total = sizes.stream().mapToInt(Integer::intValue).sum();
        int[] out = new int[sizes.size()];
        int given = 0;
        for (int i = 0; i < out.length; i++) {
            int share = total == 0 ? 0 : (int) ((long) delta * sizes.get(i) / total);
            out[i] = sizes.get(i) + share;
            given += share;
        }
        int largest = 0;
        for (int i = 1; i < out.length; i++) if (sizes.get(i) > sizes.get(largest)) largest = i;
        if (out.length > 0) out[largest] += delta - given;
        for (int i = 0; i < out.length; i++) if (out[i] < 0) out[i] = 0;
        return out;
    }
}
