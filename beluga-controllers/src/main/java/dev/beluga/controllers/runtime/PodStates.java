package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.time.Instant;

/** Pod status predicates shared by the workload controllers (upstream {@code podutil}). Stateless. */
public final class PodStates {
    private PodStates() {
    }

    public static String phase(Pod p) {
        return p.getStatus() == null || p.getStatus().getPhase() == null ? "Pending" : p.getStatus().getPhase();
    }

    /** Not finished (Succeeded/Failed) and not being deleted: counts towards replicas. */
    public static boolean isActive(Pod p) {
        String phase = phase(p);
        return !"Succeeded".equals(phase) && !"Failed".equals(phase) && p.getMetadata().getDeletionTimestamp() == null;
    }

    public static PodCondition condition(Pod p, String type) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) return null;
        for (PodCondition c : p.getStatus().getConditions()) if (type.equals(c.getType())) return c;
        return null;
    }

    public static boolean isReady(Pod p) {
        PodCondition c = condition(p, "Ready");
        return c != null && "True".equals(c.getStatus());
    }

    /** When the pod became ready, or null when it is not ready (or the time is unknown). */
    public static Instant readySince(Pod p) {
        PodCondition c = condition(p, "Ready");
        if (c == null || !"True".equals(c.getStatus()) || c.getLastTransitionTime() == null) return null;
        try {
            return Instant.parse(c.getLastTransitionTime());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Ready for at least {@code minReadySeconds} at {@code now} (upstream {@code IsPodAvailable}). */
    public static boolean isAvailable(Pod p, int minReadySeconds, Instant now) {
        if (!isReady(p)) return false;
        if (minReadySeconds == 0) return true;
        Instant since = readySince(p);
        return since != null && !since.plusSeconds(minReadySeconds).isAfter(now);
    }

    public static int restarts(Pod p) {
        if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) return 0;
        int n = 0;
        for (var cs : p.getStatus().getContainerStatuses()) n += cs.getRestartCount() == null ? 0 : cs.getRestartCount();
        return n;
    }

    public static Instant created(Pod p) {
        String t = p.getMetadata().getCreationTimestamp();
        try {
            return t == null ? Instant.EPOCH : Instant.parse(t);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }
}
