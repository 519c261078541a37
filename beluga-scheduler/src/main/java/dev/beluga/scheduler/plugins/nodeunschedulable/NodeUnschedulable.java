package dev.beluga.scheduler.plugins.nodeunschedulable;

import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.ClusterEventWithHint;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.EnqueueExtensions;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.framework.FilterPlugin;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.QueueingHint;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.Names;
import dev.beluga.scheduler.plugins.helper.Taints;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;

import java.util.List;

/**
 * Rejects cordoned nodes ({@code spec.unschedulable: true}) unless the pod tolerates the
 * {@code node.kubernetes.io/unschedulable:NoSchedule} taint.
 */
public final class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
    public static final String ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";
    public static final String ERR_REASON_UNKNOWN_CONDITION = "node(s) had unknown conditions";
    private static final Taint UNSCHEDULABLE_TAINT = new TaintBuilder().withKey("node.kubernetes.io/unschedulable")
        .withEffect(Taints.NO_SCHEDULE).build();
    private static final Status REJECT = Status.unresolvable(ERR_REASON_UNSCHEDULABLE);

    @Override
    public String name() {
        return Names.NODE_UNSCHEDULABLE;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        Node node = nodeInfo.node();
        if (node == null) return Status.unresolvable(ERR_REASON_UNKNOWN_CONDITION);
        if (node.getSpec() == null || !Boolean.TRUE.equals(node.getSpec().getUnschedulable())) return Status.SUCCESS;
        if (Taints.toleratesAny(pod.pod().getSpec() == null ? null : pod.pod().getSpec().getTolerations(), UNSCHEDULABLE_TAINT))
            return Status.SUCCESS;
        return REJECT;
    }

    @Override
    public List<ClusterEventWithHint> eventsToRegister() {
        return List.of(ClusterEventWithHint.of(EventResource.NODE, ActionType.ADD | ActionType.UPDATE_NODE_TAINT | ActionType.UPDATE_OTHER,
            (pod, oldObj, newObj) -> newObj instanceof Node n && (n.getSpec() == null || !Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
                ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP));
    }
}
