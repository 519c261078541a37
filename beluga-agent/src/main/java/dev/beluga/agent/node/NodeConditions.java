package dev.beluga.agent.node;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The four conditions a kubelet reports (Ready, MemoryPressure, DiskPressure, PIDPressure), with upstream's reasons
 * and messages. Transition times are kept from the previous report when a condition's status did not change.
 * Pure functions; thread-safe.
 */
public final class NodeConditions {
    private NodeConditions() {}

    /**
     * The conditions to report now.
     *
     * @param runtimeProblem empty when the container runtime and its network are ready; else upstream's message, e.g.
     *                       {@code container runtime network not ready: NetworkReady=false reason:... message:...}
     * @param previous       the conditions reported last (may be empty)
     * @param now            RFC 3339 time of this report
     */
    public static List<NodeCondition> compute(String runtimeProblem, List<NodeCondition> previous, String now) {
        boolean ready = runtimeProblem.isEmpty();
        List<NodeCondition> out = new ArrayList<>();
        out.add(condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", previous, now));
        out.add(condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", previous, now));
        out.add(condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", previous, now));
        out.add(ready ? condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", previous, now)
            : condition("Ready", "False", "KubeletNotReady", runtimeProblem, previous, now));
        return out;
    }

    /** Whether two reports differ in anything but heartbeat times (i.e. whether a status update is due now). */
    public static boolean changed(List<NodeCondition> a, List<NodeCondition> b) {
        if (a.size() != b.size()) return true;
        for (int i = 0; i < a.size(); i++) {
            NodeCondition x = a.get(i);
            NodeCondition y = b.get(i);
            if (!Objects.equals(x.getType(), y.getType()) || !Objects.equals(x.getStatus(), y.getStatus())
                || !Objects.equals(x.getReason(), y.getReason()) || !Objects.equals(x.getMessage(), y.getMessage())) return true;
        }
        return false;
    }

    private static NodeCondition condition(String type, String status, String reason, String message,
                                           List<NodeCondition> previous, String now) {
        String transition = now;
        for (NodeCondition p : previous) {
            if (type.equals(p.getType()) && status.equals(p.getStatus()) && p.getLastTransitionTime() != null) {
                transition = p.getLastTransitionTime();
            }
        }
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
            .withLastHeartbeatTime(now).withLastTransitionTime(transition).build();
    }
}
