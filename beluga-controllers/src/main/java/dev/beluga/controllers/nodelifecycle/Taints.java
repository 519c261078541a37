package dev.beluga.controllers.nodelifecycle;

import dev.beluga.controllers.runtime.Tolerations;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.List;

/** The node-condition taint keys and which of a pod's tolerations tolerate a taint. Stateless. */
final class Taints {
    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";

    private Taints() {
    }

    /** The tolerations of {@code tolerations} that tolerate the taint (empty: not tolerated). */
    static List<Toleration> tolerating(List<Toleration> tolerations, Taint taint) {
        if (tolerations == null) return List.of();
        return tolerations.stream().filter(t -> Tolerations.tolerates(t, taint)).toList();
    }
}
