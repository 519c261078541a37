package dev.beluga.scheduler.framework;

import java.util.HashSet;
import java.util.Set;

/**
 * What a PreFilter plugin returns: a status and, optionally, the only nodes worth evaluating (e.g. NodeAffinity on
 * {@code metadata.name}); {@code nodeNames == null} means all nodes. Immutable.
 */
public record PreFilterResult(Status status, Set<String> nodeNames) {
    private static final PreFilterResult ALL = new PreFilterResult(Status.SUCCESS, null);
    private static final PreFilterResult SKIP = new PreFilterResult(Status.skip(), null);

    /** Success, all nodes. */
    public static PreFilterResult success() {
        return ALL;
    }

    /** The plugin's Filter has nothing to do for this pod. */
    public static PreFilterResult skip() {
        return SKIP;
    }

    public static PreFilterResult of(Status status) {
        return status == null || status.isSuccess() ? ALL : new PreFilterResult(status, null);
    }

    /** Success, restricted to these nodes. */
    public static PreFilterResult nodes(Set<String> names) {
        return new PreFilterResult(Status.SUCCESS, Set.copyOf(names));
    }

    public boolean allNodes() {
        return nodeNames == null;
    }

    /** Intersection of two node restrictions (null = all). */
    public static Set<String> merge(Set<String> a, Set<String> b) {
        if (a == null) return b;
        if (b == null) return a;
        Set<String> s = new HashSet<>(a);
        s.retainAll(b);
        return s;
    }
}
