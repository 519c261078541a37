package dev.beluga.scheduler.plugins.noderesources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.ClusterEventWithHint;
import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.EnqueueExtensions;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.framework.FilterPlugin;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PreFilterPlugin;
import dev.beluga.scheduler.framework.PreFilterResult;
import dev.beluga.scheduler.framework.PreScorePlugin;
import dev.beluga.scheduler.framework.QueueingHint;
import dev.beluga.scheduler.framework.Resource;
import dev.beluga.scheduler.framework.ScorePlugin;
import dev.beluga.scheduler.framework.StateData;
import dev.beluga.scheduler.framework.StateKey;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.Names;
import dev.beluga.scheduler.util.ResourceNames;
import io.fabric8.kubernetes.api.model.Node;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Filter: the pod's requests (app containers, init containers and sidecars, overhead) must fit in the node's
 * allocatable minus what its pods request, and the pod count must stay within {@code pods}: reasons "Too many pods",
 * "Insufficient cpu", "Insufficient memory", "Insufficient ephemeral-storage", "Insufficient &lt;resource&gt;"
 * (UnschedulableAndUnresolvable when the request exceeds the node's whole allocatable, so preemption is not tried).
 *
 * <p>Score per {@code scoringStrategy.type}: LeastAllocated (default), MostAllocated or RequestedToCapacityRatio over
 * {@code scoringStrategy.resources} (default cpu and memory, weight 1). Args also take {@code ignoredResources} and
 * {@code ignoredResourceGroups} (extended resources not checked).
 */
public final class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
    private static final StateKey<PreFilterState> PRE_FILTER = new StateKey<>("PreFilter" + Names.NODE_RESOURCES_FIT, PreFilterState.class);
    private static final StateKey<PreScoreState> PRE_SCORE = new StateKey<>("PreScore" + Names.NODE_RESOURCES_FIT, PreScoreState.class);

    private final Set<String> ignoredResources;
    private final Set<String> ignoredResourceGroups;
    private final String strategyType;
    private final ResourceAllocationScorer scorer;

    private record PreFilterState(Resource request) implements StateData {
        @Override
        public StateData cloneData() {
            return this;
        }
    }

    private record PreScoreState(long[] podRequests) implements StateData {
        @Override
        public StateData cloneData() {
            return this;
        }
    }

    /** One resource the node lacks. */
    public record InsufficientResource(String resourceName, String reason, long requested, long used, long capacity,
                                       boolean unresolvable) {
    }

    public NodeResourcesFit(JsonNode args) {
        this.ignoredResources = strings(args, "ignoredResources");
        this.ignoredResourceGroups = strings(args, "ignoredResourceGroups");
        JsonNode strategy = args == null ? null : args.get("scoringStrategy");
        String type = strategy == null ? "LeastAllocated" : strategy.path("type").asText("LeastAllocated");
        List<ResourceSpec> resources = ResourceSpec.parse(strategy == null ? null : strategy.get("resources"), "scoringStrategy.resources");
        this.strategyType = type;
        this.scorer = switch (type) {
            case "LeastAllocated" -> new ResourceAllocationScorer(resources, false, ScoringStrategies.leastAllocated(resources));
            case "MostAllocated" -> new ResourceAllocationScorer(resources, false, ScoringStrategies.mostAllocated(resources));
            case "RequestedToCapacityRatio" -> new ResourceAllocationScorer(resources, false,
                ScoringStrategies.requestedToCapacityRatio(resources,
                    ScoringStrategies.parseShape(strategy.path("requestedToCapacityRatio").path("shape"), "scoringStrategy.requestedToCapacityRatio.shape")));
            default -> throw new IllegalArgumentException("scoringStrategy.type: Unsupported value: \"" + type
                + "\": supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\"");
        };
    }

    public NodeResourcesFit() {
        this(null);
    }

    private static Set<String> strings(JsonNode args, String field) {
        Set<String> out = new HashSet<>();
        if (args != null && args.get(field) != null) for (JsonNode n : args.get(field)) out.add(n.asText());
        return out;
    }

    @Override
    public String name() {
        return Names.NODE_RESOURCES_FIT;
    }

    /** The configured scoring strategy type. */
    public String strategyType() {
        return strategyType;
    }

    @Override
    public PreFilterResult preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        state.write(PRE_FILTER, new PreFilterState(pod.requests()));
        return PreFilterResult.success();
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        PreFilterState s = state.read(PRE_FILTER);
        Resource request = s != null ? s.request() : pod.requests();
        List<InsufficientResource> insufficient = fits(request, nodeInfo, ignoredResources, ignoredResourceGroups);
        if (insufficient.isEmpty()) return Status.SUCCESS;
        Code code = Code.UNSCHEDULABLE;
        String[] reasons = new String[insufficient.size()];
        for (int i = 0; i < reasons.length; i++) {
            reasons[i] = insufficient.get(i).reason();
            if (insufficient.get(i).unresolvable()) code = Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
        }
        return Status.of(code, reasons);
    }

    /** Which resources of a node cannot hold a request (upstream {@code fitsRequest}); empty when it fits. */
    public static List<InsufficientResource> fits(Resource req, NodeInfo ni, Set<String> ignored, Set<String> ignoredGroups) {
        List<InsufficientResource> out = null;
        Resource alloc = ni.allocatable();
        Resource used = ni.requested();
        long podCount = ni.pods().size();
        if (podCount + 1 > alloc.allowedPodNumber) {
            out = new ArrayList<>(2);
            out.add(new InsufficientResource(ResourceNames.PODS, "Too many pods", 1, podCount, alloc.allowedPodNumber, false));
        }
        if (req.isZero()) return out == null ? List.of() : out;
        if (req.milliCpu > 0 && req.milliCpu > alloc.milliCpu - used.milliCpu) {
            if (out == null) out = new ArrayList<>(2);
            out.add(new InsufficientResource(ResourceNames.CPU, "Insufficient cpu", req.milliCpu, used.milliCpu, alloc.milliCpu, req.milliCpu > alloc.milliCpu));
        }
        if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
            if (out == null) out = new ArrayList<>(2);
            out.add(new InsufficientResource(ResourceNames.MEMORY, "Insufficient memory", req.memory, used.memory, alloc.memory, req.memory > alloc.memory));
        }
        if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
            if (out == null) out = new ArrayList<>(2);
            out.add(new InsufficientResource(ResourceNames.EPHEMERAL_STORAGE, "Insufficient ephemeral-storage", req.ephemeralStorage,
                used.ephemeralStorage, alloc.ephemeralStorage, req.ephemeralStorage > alloc.ephemeralStorage));
        }
        for (Map.Entry<String, Long> e : req.scalars().entrySet()) {
            String name = e.getKey();
            long q = e.getValue();
            if (q == 0) continue;
            if (ResourceNames.isExtended(name)) {
                if (ignored != null && ignored.contains(name)) continue;
                if (ignoredGroups != null && !ignoredGroups.isEmpty() && ignoredGroups.contains(name.substring(0, name.indexOf('/')))) continue;
            }
            long a = alloc.scalar(name);
            long u = used.scalar(name);
            if (q > a - u) {
                if (out == null) out = new ArrayList<>(2);
                out.add(new InsufficientResource(name, "Insufficient " + name, q, u, a, q > a));
            }
        }
        return out == null ? List.of() : out;
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        long[] reqs = scorer.podRequests(pod);
        boolean zero = true;
        for (long r : reqs) if (r != 0) zero = false;
        if (zero) return Status.skip();
        state.write(PRE_SCORE, new PreScoreState(reqs));
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        PreScoreState s = state.read(PRE_SCORE);
        return scorer.score(nodeInfo, s != null ? s.podRequests() : scorer.podRequests(pod));
    }

    @Override
    public List<ClusterEventWithHint> eventsToRegister() {
        return List.of(
            ClusterEventWithHint.of(EventResource.ASSIGNED_POD, ActionType.DELETE | ActionType.UPDATE_POD_SCALE_DOWN),
            ClusterEventWithHint.of(EventResource.NODE, ActionType.ADD | ActionType.UPDATE_NODE_ALLOCATABLE, (pod, oldObj, newObj) -> {
                if (!(newObj instanceof Node n)) return QueueingHint.QUEUE;
                NodeInfo empty = new NodeInfo();
                empty.setNode(n);
                return fits(pod.requests(), empty, ignoredResources, ignoredResourceGroups).isEmpty() ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
            }));
    }
}
