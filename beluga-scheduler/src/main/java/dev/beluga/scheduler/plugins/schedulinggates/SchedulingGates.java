package dev.beluga.scheduler.plugins.schedulinggates;

import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.ClusterEventWithHint;
import dev.beluga.scheduler.framework.EnqueueExtensions;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PreEnqueuePlugin;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.Names;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;

import java.util.ArrayList;
import java.util.List;

/** Keeps pods with {@code spec.schedulingGates} out of the active queue until every gate is removed. */
public final class SchedulingGates implements PreEnqueuePlugin, EnqueueExtensions {
    @Override
    public String name() {
        return Names.SCHEDULING_GATES;
    }

    @Override
    public Status preEnqueue(PodInfo pod) {
        List<PodSchedulingGate> gates = pod.pod().getSpec() == null ? null : pod.pod().getSpec().getSchedulingGates();
        if (gates == null || gates.isEmpty()) return Status.SUCCESS;
        List<String> names = new ArrayList<>();
        for (PodSchedulingGate g : gates) names.add(g.getName());
        return Status.unresolvable("waiting for scheduling gates: [" + String.join(" ", names) + "]");
    }

    @Override
    public List<ClusterEventWithHint> eventsToRegister() {
        return List.of(ClusterEventWithHint.of(EventResource.UNSCHEDULED_POD, ActionType.UPDATE_POD_SCHEDULING_GATES_ELIMINATED));
    }
}
