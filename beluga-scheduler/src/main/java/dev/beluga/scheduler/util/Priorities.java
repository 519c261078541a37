package dev.beluga.scheduler.util;

import dev.beluga.scheduler.listers.PriorityClassLister;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;

/**
 * A pod's priority: {@code spec.priority} when set (the Priority admission plugin normally sets it); otherwise the
 * value of its {@code priorityClassName}'s class, otherwise of the global-default class, otherwise 0.
 */
public final class Priorities {
    private Priorities() {
    }

    public static int resolve(Pod pod, PriorityClassLister classes) {
        if (pod.getSpec() == null) return 0;
        if (pod.getSpec().getPriority() != null) return pod.getSpec().getPriority();
        String name = pod.getSpec().getPriorityClassName();
        if (name != null && !name.isEmpty()) {
            PriorityClass pc = classes.get(name);
            if (pc != null && pc.getValue() != null) return pc.getValue();
            if ("system-node-critical".equals(name)) return 2000001000;
            if ("system-cluster-critical".equals(name)) return 2000000000;
            return 0;
        }
        for (PriorityClass pc : classes.list())
            if (Boolean.TRUE.equals(pc.getGlobalDefault()) && pc.getValue() != null) return pc.getValue();
        return 0;
    }
}
