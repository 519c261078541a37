package dev.beluga.scheduler.util;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.time.Instant;
import java.util.Map;

/** Small read-only helpers over fabric8 pods. Stateless and thread-safe. */
public final class Pods {
    /** The profile a pod without {@code spec.schedulerName} belongs to. */
    public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

    private Pods() {
    }

    public static String namespace(Pod pod) {
        String ns = pod.getMetadata() == null ? null : pod.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? "default" : ns;
    }

    public static String name(Pod pod) {
        return pod.getMetadata() == null || pod.getMetadata().getName() == null ? "" : pod.getMetadata().getName();
    }

    /** {@code namespace/name}. */
    public static String key(Pod pod) {
        return namespace(pod) + "/" + name(pod);
    }

    /** The pod's UID, or {@code namespace/name} when it has none (only in tests). */
    public static String uid(Pod pod) {
        String uid = pod.getMetadata() == null ? null : pod.getMetadata().getUid();
        return uid == null || uid.isEmpty() ? key(pod) : uid;
    }

    public static Map<String, String> labels(Pod pod) {
        Map<String, String> l = pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
        return l == null ? Map.of() : l;
    }

    /** {@code spec.nodeName}, or null when unassigned. */
    public static String nodeName(Pod pod) {
        String n = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        return n == null || n.isEmpty() ? null : n;
    }

    public static boolean isAssigned(Pod pod) {
        return nodeName(pod) != null;
    }

    public static String schedulerName(Pod pod) {
        String s = pod.getSpec() == null ? null : pod.getSpec().getSchedulerName();
        return s == null || s.isEmpty() ? DEFAULT_SCHEDULER_NAME : s;
    }

    /** {@code spec.priority}, 0 when unset. */
    public static int priority(Pod pod) {
        Integer p = pod.getSpec() == null ? null : pod.getSpec().getPriority();
        return p == null ? 0 : p;
    }

    public static boolean isTerminating(Pod pod) {
        return pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null
            && !pod.getMetadata().getDeletionTimestamp().isEmpty();
    }

    /** Succeeded or Failed: the pod holds no resources any more. */
    public static boolean isTerminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** {@code status.nominatedNodeName}, or null. */
    public static String nominatedNodeName(Pod pod) {
        String n = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
        return n == null || n.isEmpty() ? null : n;
    }

    /** {@code status.startTime}, falling back to the creation timestamp, or null. */
    public static Instant startTime(Pod pod) {
        String t = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
        if (t == null || t.isEmpty()) t = pod.getMetadata() == null ? null : pod.getMetadata().getCreationTimestamp();
        if (t == null || t.isEmpty()) return null;
        try {
            return Instant.parse(t);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The pod's {@code PodScheduled} condition, or null. */
    public static PodCondition scheduledCondition(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) return null;
        for (PodCondition c : pod.getStatus().getConditions())
            if ("PodScheduled".equals(c.getType())) return c;
        return null;
    }
}
