package dev.beluga.scheduler.plugins.noderesources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.scheduler.framework.Scores;

import java.util.ArrayList;
import java.util.List;

/** LeastAllocated, MostAllocated and RequestedToCapacityRatio scoring, as upstream computes them. */
final class ScoringStrategies {
    /** Upstream's MaxCustomPriorityScore: shape scores are 0-10 and scaled to 0-100. */
    static final long MAX_CUSTOM_PRIORITY_SCORE = 10;
    static final long MAX_UTILIZATION = 100;

    private ScoringStrategies() {
    }

    /** Favors nodes with more free capacity: Σ weight × (allocatable − requested) × 100 / allocatable ÷ Σ weight. */
    static ResourceAllocationScorer.Strategy leastAllocated(List<ResourceSpec> resources) {
        return (requested, allocatable) -> {
            long nodeScore = 0;
            long weightSum = 0;
            for (int i = 0; i < requested.length; i++) {
                if (allocatable[i] == 0) continue;
                long w = resources.get(i).weight();
                nodeScore += leastRequestedScore(requested[i], allocatable[i]) * w;
                weightSum += w;
            }
            return weightSum == 0 ? 0 : nodeScore / weightSum;
        };
    }

    static long leastRequestedScore(long requested, long capacity) {
        if (capacity == 0 || requested > capacity) return 0;
        return (capacity - requested) * Scores.MAX_NODE_SCORE / capacity;
    }

    /** Favors fuller nodes (bin packing): Σ weight × requested × 100 / allocatable ÷ Σ weight. */
    static ResourceAllocationScorer.Strategy mostAllocated(List<ResourceSpec> resources) {
        return (requested, allocatable) -> {
            long nodeScore = 0;
            long weightSum = 0;
            for (int i = 0; i < requested.length; i++) {
                if (allocatable[i] == 0) continue;
                long w = resources.get(i).weight();
                nodeScore += mostRequestedScore(requested[i], allocatable[i]) * w;
                weightSum += w;
            }
            return weightSum == 0 ? 0 : nodeScore / weightSum;
        };
    }

    static long mostRequestedScore(long requested, long capacity) {
        if (capacity == 0) return 0;
        if (requested > capacity) requested = capacity;
        return requested * Scores.MAX_NODE_SCORE / capacity;
    }

    /** A point of the RequestedToCapacityRatio shape: utilization 0-100 → score 0-10. */
    record Point(long utilization, long score) {
    }

    static List<Point> parseShape(JsonNode shape, String path) {
        if (shape == null || !shape.isArray() || shape.isEmpty())
            throw new IllegalArgumentException(path + ": at least one point is required");
        List<Point> out = new ArrayList<>();
        long prev = -1;
        for (int i = 0; i < shape.size(); i++) {
            JsonNode p = shape.get(i);
            long u = p.path("utilization").asLong(-1);
            long s = p.path("score").asLong(-1);
            if (u < 0 || u > MAX_UTILIZATION) throw new IllegalArgumentException(path + "[" + i + "].utilization: must be in the range [0, 100]");
            if (u <= prev) throw new IllegalArgumentException(path + "[" + i + "].utilization: values must be sorted in increasing order");
            if (s < 0 || s > MAX_CUSTOM_PRIORITY_SCORE) throw new IllegalArgumentException(path + "[" + i + "].score: must be in the range [0, 10]");
            prev = u;
            out.add(new Point(u, s));
        }
        return List.copyOf(out);
    }

    /** A broken-linear function of utilization through the shape points (scores scaled ×10), averaged with weights, rounded. */
    static ResourceAllocationScorer.Strategy requestedToCapacityRatio(List<ResourceSpec> resources, List<Point> shape) {
        long scale = Scores.MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE;
        List<Point> scaled = new ArrayList<>();
        for (Point p : shape) scaled.add(new Point(p.utilization(), p.score() * scale));
        return (requested, allocatable) -> {
            long nodeScore = 0;
            long weightSum = 0;
            for (int i = 0; i < requested.length; i++) {
                if (allocatable[i] == 0) continue;
                long w = resources.get(i).weight();
                long u = requested[i] > allocatable[i] ? MAX_UTILIZATION : requested[i] * MAX_UTILIZATION / allocatable[i];
                nodeScore += brokenLinear(scaled, u) * w;
                weightSum += w;
            }
            return weightSum == 0 ? 0 : Math.round((double) nodeScore / weightSum);
        };
    }

    static long brokenLinear(List<Point> shape, long p) {
        for (int i = 0; i < shape.size(); i++) {
            Point cur = shape.get(i);
            if (p <= cur.utilization()) {
                if (i == 0) return shape.get(0).score();
                Point prev = shape.get(i - 1);
                return prev.score() + (cur.score() - prev.score()) * (p - prev.utilization()) / (cur.utilization() - prev.utilization());
            }
        }
        return shape.get(shape.size() - 1).score();
    }
}
