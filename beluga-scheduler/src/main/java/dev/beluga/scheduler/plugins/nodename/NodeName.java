package dev.beluga.scheduler.plugins.nodename;

import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.ClusterEventWithHint;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.EnqueueExtensions;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.framework.FilterPlugin;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.Names;

import java.util.List;

/** Rejects nodes other than the one named in {@code spec.nodeName} (when set). */
public final class NodeName implements FilterPlugin, EnqueueExtensions {
    public static final String ERR_REASON = "node(s) didn't match the requested node name";
    private static final Status REJECT = Status.unresolvable(ERR_REASON);

    @Override
    public String name() {
        return Names.NODE_NAME;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        String want = pod.pod().getSpec() == null ? null : pod.pod().getSpec().getNodeName();
        if (want == null || want.isEmpty() || want.equals(nodeInfo.name())) return Status.SUCCESS;
        return REJECT;
    }

    @Override
    public List<ClusterEventWithHint> eventsToRegister() {
        return List.of(ClusterEventWithHint.of(EventResource.NODE, ActionType.ADD | ActionType.UPDATE));
    }
}
