package dev.beluga.scheduler.framework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The message of upstream's {@code FitError.Error()}, which kubectl users read in {@code FailedScheduling} events:
 * {@code "0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {k: v}. preemption: ..."}.
 * The reason histogram ("count reason") is sorted as strings, as upstream sorts it; a PreFilter message replaces the
 * histogram and is followed by a period; a PostFilter message (which carries its own punctuation, e.g. the
 * preemption message ends with the period of its own FitError message) is appended as is, as upstream has done since
 * 1.30 (earlier versions added a second period: kubernetes/kubernetes#123301).
 */
public final class FitErrorMessage {
    private FitErrorMessage() {
    }

    /**
     * @param numAllNodes   the number of nodes in the snapshot
     * @param preFilterMsg  the PreFilter rejection message, or null/empty
     * @param statuses      per-node statuses (the absent-nodes status counts for nodes not in the map)
     * @param postFilterMsg the PostFilter message, or null/empty
     */
    public static String of(int numAllNodes, String preFilterMsg, NodeToStatus statuses, String postFilterMsg) {
        StringBuilder sb = new StringBuilder("0/").append(numAllNodes).append(" nodes are available:");
        if (preFilterMsg != null && !preFilterMsg.isEmpty()) {
            sb.append(' ').append(preFilterMsg).append('.');
        } else {
            Map<String, Integer> reasons = new HashMap<>();
            statuses.forEachExplicit((node, s) -> {
                for (String r : s.reasons()) reasons.merge(r, 1, Integer::sum);
            });
            if (statuses.size() < numAllNodes)
                for (String r : statuses.absentNodesStatus().reasons()) reasons.merge(r, numAllNodes - statuses.size(), Integer::sum);
            List<String> parts = new ArrayList<>(reasons.size());
            reasons.forEach((r, n) -> parts.add(n + " " + r));
            Collections.sort(parts);
            if (!parts.isEmpty()) sb.append(' ').append(String.join(", ", parts)).append('.');
        }
        if (postFilterMsg != null && !postFilterMsg.isEmpty()) sb.append(' ').append(postFilterMsg);
        return sb.toString();
    }
}
