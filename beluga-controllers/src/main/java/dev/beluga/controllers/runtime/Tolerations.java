package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

/** Toleration matching as upstream's {@code v1helper.TolerationsTolerateTaint} (effect, key, Exists/Equal). Pure. */
public final class Tolerations {
    private Tolerations() {
    }

    public static boolean tolerates(Toleration t, Taint taint) {
        if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) return false;
        String op = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
        if (t.getKey() == null || t.getKey().isEmpty()) return "Exists".equals(op);
        if (!t.getKey().equals(taint.getKey())) return false;
        if ("Exists".equals(op)) return true;
        String tv = t.getValue() == null ? "" : t.getValue();
        String v = taint.getValue() == null ? "" : taint.getValue();
        return "Equal".equals(op) && tv.equals(v);
    }
}
