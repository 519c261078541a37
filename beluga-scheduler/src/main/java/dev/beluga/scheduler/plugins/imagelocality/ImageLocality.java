package dev.beluga.scheduler.plugins.imagelocality;

import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.NodeInfoLister;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.ScorePlugin;
import dev.beluga.scheduler.framework.Scores;
import dev.beluga.scheduler.plugins.Names;
import io.fabric8.kubernetes.api.model.Container;

import java.util.List;

/**
 * Prefers nodes that already have the pod's images, weighted by image size and by how widely the image is spread
 * (so as not to pile pods onto the few nodes that have a rare image), as upstream: the sum of
 * {@code size × nodesWithImage / allNodes} over the pod's images, clamped to [23 MiB, 1000 MiB × containers] and scaled to 0-100.
 */
public final class ImageLocality implements ScorePlugin {
    static final long MB = 1024L * 1024;
    static final long MIN_THRESHOLD = 23 * MB;
    static final long MAX_CONTAINER_THRESHOLD = 1000 * MB;

    private final NodeInfoLister snapshot;

    public ImageLocality(NodeInfoLister snapshot) {
        this.snapshot = snapshot;
    }

    @Override
    public String name() {
        return Names.IMAGE_LOCALITY;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        if (nodeInfo.imageSizes().isEmpty()) return 0;
        int total = snapshot.numNodes();
        var spec = pod.pod().getSpec();
        long sum = sumImageScores(nodeInfo, spec.getInitContainers(), total) + sumImageScores(nodeInfo, spec.getContainers(), total);
        int containers = size(spec.getInitContainers()) + size(spec.getContainers());
        return calculatePriority(sum, containers);
    }

    private long sumImageScores(NodeInfo nodeInfo, List<Container> containers, int totalNodes) {
        if (containers == null) return 0;
        long sum = 0;
        for (Container c : containers) {
            if (c.getImage() == null) continue;
            String name = NodeInfo.normalizedImageName(c.getImage());
            Long size = nodeInfo.imageSizes().get(name);
            if (size == null) continue;
            double spread = totalNodes == 0 ? 0 : (double) snapshot.imageNodeCount(name) / totalNodes;
            sum += (long) (size * spread);
        }
        return sum;
    }

    static long calculatePriority(long sumScores, int numContainers) {
        long maxThreshold = MAX_CONTAINER_THRESHOLD * Math.max(1, numContainers);
        if (sumScores < MIN_THRESHOLD) sumScores = MIN_THRESHOLD;
        else if (sumScores > maxThreshold) sumScores = maxThreshold;
        return Scores.MAX_NODE_SCORE * (sumScores - MIN_THRESHOLD) / (maxThreshold - MIN_THRESHOLD);
    }

    private static int size(List<?> l) {
        return l == null ? 0 : l.size();
    }
}
