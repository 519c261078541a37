package dev.beluga.scheduler.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.FilterPlugin;
import dev.beluga.scheduler.framework.Handle;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.Plugin;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.Status;

/**
 * A third-party plugin as an outside jar would ship it: found through
 * {@code META-INF/services/dev.beluga.scheduler.spi.PluginProvider}, enabled by name in the configuration. Its
 * filter admits only nodes labelled with the colour given in its args (default green).
 */
public final class GreenNodesOnlyProvider implements PluginProvider {
    public static final String NAME = "GreenNodesOnly";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Plugin create(JsonNode args, Handle handle) {
        String colour = args == null ? "green" : args.path("colour").asText("green");
        return new FilterPlugin() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
                var labels = nodeInfo.node().getMetadata().getLabels();
                if (labels != null && colour.equals(labels.get("colour"))) return Status.SUCCESS;
                return Status.unschedulable("node(s) were not " + colour);
            }
        };
    }
}
