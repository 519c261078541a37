package dev.beluga.scheduler.plugins.helper;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.List;
import java.util.function.Predicate;

/** Taint/toleration matching as upstream's {@code v1helper} ({@code Toleration.ToleratesTaint}). */
public final class Taints {
    public static final String NO_SCHEDULE = "NoSchedule";
    public static final String NO_EXECUTE = "NoExecute";
    public static final String PREFER_NO_SCHEDULE = "PreferNoSchedule";
    /** Taints that forbid scheduling: NoSchedule and NoExecute. */
    public static final Predicate<Taint> DO_NOT_SCHEDULE = t -> NO_SCHEDULE.equals(t.getEffect()) || NO_EXECUTE.equals(t.getEffect());

    private Taints() {
    }

    /**
     * Whether a toleration tolerates a taint: empty effect matches any effect, empty key (with Exists) any key,
     * operator Equal (or empty) compares values, Exists ignores them.
     */
    public static boolean tolerates(Toleration t, Taint taint) {
        String effect = t.getEffect();
        if (effect != null && !effect.isEmpty() && !effect.equals(taint.getEffect())) return false;
        String key = t.getKey();
        if (key != null && !key.isEmpty() && !key.equals(taint.getKey())) return false;
        String op = t.getOperator();
        if (op == null || op.isEmpty() || op.equals("Equal")) return nz(t.getValue()).equals(nz(taint.getValue()));
        return op.equals("Exists");
    }

    public static boolean toleratesAny(List<Toleration> tolerations, Taint taint) {
        if (tolerations == null) return false;
        for (Toleration t : tolerations) if (tolerates(t, taint)) return true;
        return false;
    }

    /** The first taint passing the filter that no toleration tolerates, or null. */
    public static Taint firstUntolerated(List<Taint> taints, List<Toleration> tolerations, Predicate<Taint> filter) {
        if (taints == null) return null;
        for (Taint taint : taints) {
            if (!filter.test(taint)) continue;
            if (!toleratesAny(tolerations, taint)) return taint;
        }
        return null;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
