package dev.beluga.agent.pods;

import dev.beluga.agent.NodeAgent;
import dev.beluga.agent.node.MachineInfo;
import io.fabric8.kubernetes.api.model.Quantity;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** The {@link PodResources} a real node uses: cluster objects read through the API, the machine's allocatable. */
public final class PodResourcesFactory {
    /** How often configMap/secret/downwardAPI/projected volumes are re-read for running pods. */
    static final Duration REFRESH = Duration.ofSeconds(30);

    private PodResourcesFactory() {}

    public static PodResources cluster(NodeAgent.AgentContext ctx) {
        MachineInfo m = MachineInfo.read(ctx.config().dataDir());
        Map<String, Quantity> allocatable = Map.of("cpu", new Quantity(Integer.toString(m.cpus())),
            "memory", new Quantity(Long.toString(m.memoryBytes() - 100L * 1024 * 1024)),
            "ephemeral-storage", new Quantity(Long.toString(m.ephemeralStorageBytes() / 10 * 9)));
        return new ClusterPodResources(ctx.config().podsDir(), new ApiObjectSource(ctx.client()),
            ApiTokenSource.over(ctx.client(), Clock.systemUTC()), () -> allocatable,
            ctx.config().clusterDomain(), Path.of("/etc/hosts"), REFRESH, Clock.systemUTC());
    }
}
