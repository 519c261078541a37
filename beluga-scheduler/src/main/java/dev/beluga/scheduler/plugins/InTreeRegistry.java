package dev.beluga.scheduler.plugins;

import dev.beluga.scheduler.framework.runtime.Registry;
import dev.beluga.scheduler.plugins.defaultbinder.DefaultBinder;
import dev.beluga.scheduler.plugins.defaultpreemption.DefaultPreemption;
import dev.beluga.scheduler.plugins.imagelocality.ImageLocality;
import dev.beluga.scheduler.plugins.interpodaffinity.InterPodAffinity;
import dev.beluga.scheduler.plugins.nodeaffinity.NodeAffinity;
import dev.beluga.scheduler.plugins.nodename.NodeName;
import dev.beluga.scheduler.plugins.nodeports.NodePorts;
import dev.beluga.scheduler.plugins.noderesources.NodeResourcesBalancedAllocation;
import dev.beluga.scheduler.plugins.noderesources.NodeResourcesFit;
import dev.beluga.scheduler.plugins.nodeunschedulable.NodeUnschedulable;
import dev.beluga.scheduler.plugins.podtopologyspread.PodTopologySpread;
import dev.beluga.scheduler.plugins.queuesort.PrioritySort;
import dev.beluga.scheduler.plugins.schedulinggates.SchedulingGates;
import dev.beluga.scheduler.plugins.tainttoleration.TaintToleration;
import dev.beluga.scheduler.plugins.volumebinding.VolumeBinding;
import dev.beluga.scheduler.plugins.volumerestrictions.VolumeRestrictions;

/** The registry of Beluga's built-in plugins, by upstream name. */
public final class InTreeRegistry {
    private InTreeRegistry() {
    }

    /** A new registry holding every in-tree plugin. */
    public static Registry create() {
        Registry r = new Registry();
        r.register(Names.PRIORITY_SORT, (args, h) -> new PrioritySort());
        r.register(Names.SCHEDULING_GATES, (args, h) -> new SchedulingGates());
        r.register(Names.NODE_UNSCHEDULABLE, (args, h) -> new NodeUnschedulable());
        r.register(Names.NODE_NAME, (args, h) -> new NodeName());
        r.register(Names.TAINT_TOLERATION, (args, h) -> new TaintToleration());
        r.register(Names.NODE_AFFINITY, (args, h) -> new NodeAffinity(args));
        r.register(Names.NODE_PORTS, (args, h) -> new NodePorts());
        r.register(Names.NODE_RESOURCES_FIT, (args, h) -> new NodeResourcesFit(args));
        r.register(Names.NODE_RESOURCES_BALANCED_ALLOCATION, (args, h) -> new NodeResourcesBalancedAllocation(args));
        r.register(Names.VOLUME_RESTRICTIONS, (args, h) -> new VolumeRestrictions(h.snapshot(), h.listers().pvcs()));
        r.register(Names.VOLUME_BINDING, (args, h) -> new VolumeBinding(h.listers(), h.clients().volumeBinder()));
        r.register(Names.POD_TOPOLOGY_SPREAD, (args, h) -> new PodTopologySpread(args, h.snapshot(), h.listers().workloads()));
        r.register(Names.INTER_POD_AFFINITY, (args, h) -> new InterPodAffinity(args, h.snapshot(), h.listers().namespaces()));
        r.register(Names.IMAGE_LOCALITY, (args, h) -> new ImageLocality(h.snapshot()));
        r.register(Names.DEFAULT_PREEMPTION, DefaultPreemption::new);
        r.register(Names.DEFAULT_BINDER, (args, h) -> new DefaultBinder((pod, node) -> h.clients().binder().bind(pod, node)));
        return r;
    }
}
