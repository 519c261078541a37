package dev.beluga.scheduler.framework;

/** A preferred (soft) affinity term with its weight (1-100). Immutable. */
public record WeightedAffinityTerm(AffinityTerm term, int weight) {
}
