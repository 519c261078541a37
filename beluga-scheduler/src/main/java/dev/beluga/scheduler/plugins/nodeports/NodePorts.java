package dev.beluga.scheduler.plugins.nodeports;

import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.ClusterEventWithHint;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.EnqueueExtensions;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.framework.FilterPlugin;
import dev.beluga.scheduler.framework.HostPort;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PreFilterPlugin;
import dev.beluga.scheduler.framework.PreFilterResult;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.Names;

import java.util.List;

/** Rejects nodes where a host port the pod wants is taken ("node(s) didn't have free ports for the requested pod ports"). */
public final class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
    public static final String ERR_REASON = "node(s) didn't have free ports for the requested pod ports";
    private static final Status REJECT = Status.unschedulable(ERR_REASON);

    @Override
    public String name() {
        return Names.NODE_PORTS;
    }

    @Override
    public PreFilterResult preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        return pod.hostPorts().isEmpty() ? PreFilterResult.skip() : PreFilterResult.success();
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        if (nodeInfo.usedPorts().isEmpty()) return Status.SUCCESS;
        for (HostPort p : pod.hostPorts()) if (nodeInfo.usedPorts().conflicts(p)) return REJECT;
        return Status.SUCCESS;
    }

    @Override
    public List<ClusterEventWithHint> eventsToRegister() {
        return List.of(ClusterEventWithHint.of(EventResource.ASSIGNED_POD, ActionType.DELETE),
            ClusterEventWithHint.of(EventResource.NODE, ActionType.ADD | ActionType.UPDATE));
    }
}
