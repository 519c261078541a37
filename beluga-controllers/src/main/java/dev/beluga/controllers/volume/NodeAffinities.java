package dev.beluga.controllers.volume;

import dev.beluga.controllers.runtime.NodeSelectorTerms;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;


/**
 * Whether a node satisfies a PersistentVolume's {@code spec.nodeAffinity.required} (upstream
 * {@code CheckNodeAffinity}): the terms are ORed, the requirements of a term ANDed, a term without requirements
 * matches nothing; {@code matchFields} understands {@code metadata.name}. A volume without required affinity fits
 * every node. Pure functions.
 */
public final class NodeAffinities {
    private NodeAffinities() {
    }

    public static boolean matches(PersistentVolume volume, Node node) {
        var affinity = volume.getSpec() == null ? null : volume.getSpec().getNodeAffinity();
        if (affinity == null || affinity.getRequired() == null) return true;
        return NodeSelectorTerms.anyMatches(affinity.getRequired().getNodeSelectorTerms(), node);
    }
}
