package dev.beluga.controllers.replicaset;

import dev.beluga.controllers.runtime.PodStates;
import io.fabric8.kubernetes.api.model.Pod;

import java.time.Instant;
import java.util.Comparator;
import java.util.Map;

/**
 * Which pods a scale-down deletes first (upstream {@code controller.ActivePods} ordering): unscheduled before
 * scheduled; Pending before Unknown before Running; not ready before ready; lower
 * {@code controller.kubernetes.io/pod-deletion-cost} first; ready for less time before longer; more restarts before
 * fewer; newer before older.
 */
final class DeletionRanking {
    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

    private DeletionRanking() {
    }

    static final Comparator<Pod> FIRST_TO_DELETE = (a, b) -> {
        boolean sa = a.getSpec().getNodeName() != null && !a.getSpec().getNodeName().isEmpty();
        boolean sb = b.getSpec().getNodeName() != null && !b.getSpec().getNodeName().isEmpty();
        if (sa != sb) return sa ? 1 : -1;
        int pa = phaseRank(PodStates.phase(a));
        int pb = phaseRank(PodStates.phase(b));
        if (pa != pb) return Integer.compare(pa, pb);
        boolean ra = PodStates.isReady(a);
        boolean rb = PodStates.isReady(b);
        if (ra != rb) return ra ? 1 : -1;
        int ca = cost(a);
        int cb = cost(b);
        if (ca != cb) return Integer.compare(ca, cb);
        if (ra) {
            Instant ta = PodStates.readySince(a);
            Instant tb = PodStates.readySince(b);
            if (ta != null && tb != null && !ta.equals(tb)) return tb.compareTo(ta); // ready more recently first
        }
        int xa = PodStates.restarts(a);
        int xb = PodStates.restarts(b);
        if (xa != xb) return Integer.compare(xb, xa);
        return PodStates.created(b).compareTo(PodStates.created(a));
    };

    private static int phaseRank(String phase) {
        return switch (phase) {
            case "Pending" -> 0;
            case "Unknown" -> 1;
            case "Running" -> 2;
            default -> 3;
        };
    }

    private static int cost(Pod p) {
        Map<String, String> a = p.getMetadata().getAnnotations();
        if (a == null || a.get(DELETION_COST) == null) return 0;
        try {
            return Integer.parseInt(a.get(DELETION_COST));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
