package dev.beluga.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.List;

/** Taint and toleration matching as upstream's {@code v1helper.TolerationsTolerateTaint}. Stateless. */
final class Taints {
    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";

    private Taints() {
    }

    static boolean tolerates(Toleration t, Taint taint) {
        if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) return false;
        String op = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
        if (t.getKey() == null || t.getKey().isEmpty()) return "Exists".equals(op);
        if (!t.getKey().equals(taint.getKey())) return false;
        if ("Exists".equals(op)) return true;
        String tv = t.getValue() == null ? "" : t.getValue();
        String v = taint.getValue() == null ? "" : taint.getValue();
        return "Equal".equals(op) && tv.equals(v);
    }

    /** The tolerations of {@code tolerations} that tolerate the taint (empty: not tolerated). */
    static List<Toleration> tolerating(List<Toleration> tolerations, Taint taint) {
        if (tolerations == null) return List.of();
        return tolerations.stream().filter(t -> tolerates(t, taint)).toList();
    }
}
