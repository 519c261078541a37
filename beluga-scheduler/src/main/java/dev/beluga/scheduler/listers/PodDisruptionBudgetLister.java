package dev.beluga.scheduler.listers;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.util.List;

/** PDBs ({@code policy/v1}) from an informer cache, for preemption. Must be thread-safe. */
@FunctionalInterface
public interface PodDisruptionBudgetLister {
    /** Every PDB in all namespaces. */
    List<PodDisruptionBudget> list();
}
