package dev.beluga.scheduler.config;

import java.util.List;

/**
 * The default {@code multiPoint} plugin list and score weights, in upstream's order (filters run in this order and
 * a node's first failing filter gives its reason). Plugins upstream has but Beluga does not (NodeVolumeLimits,
 * VolumeZone, DynamicResources) are left out.
 */
public final class DefaultPlugins {
    private DefaultPlugins() {
    }

    public static List<PluginRef> multiPoint() {
        return List.of(
            PluginRef.of("SchedulingGates"),
            PluginRef.of("PrioritySort"),
            PluginRef.of("NodeUnschedulable"),
            PluginRef.of("NodeName"),
            PluginRef.of("TaintToleration", 3),
            PluginRef.of("NodeAffinity", 2),
            PluginRef.of("NodePorts"),
            PluginRef.of("NodeResourcesFit", 1),
            PluginRef.of("VolumeRestrictions"),
            PluginRef.of("VolumeBinding"),
            PluginRef.of("PodTopologySpread", 2),
            PluginRef.of("InterPodAffinity", 2),
            PluginRef.of("DefaultPreemption"),
            PluginRef.of("NodeResourcesBalancedAllocation", 1),
            PluginRef.of("ImageLocality", 1),
            PluginRef.of("DefaultBinder"));
    }
}
