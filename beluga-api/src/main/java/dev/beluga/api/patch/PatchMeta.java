package dev.beluga.api.patch;

import java.util.List;

/**
 * How strategic merge patch treats the list at a field path (field names from the object's root, list indices
 * omitted, e.g. {@code [spec, template, spec, containers]}).
 */
@FunctionalInterface
public interface PatchMeta {
    /** A list's strategy: merged by {@code mergeKey} (objects) or as a set (primitives, mergeKey null), or replaced. */
    record ListStrategy(boolean merge, String mergeKey, boolean retainKeys) {
        public static final ListStrategy REPLACE = new ListStrategy(false, null, false);
    }

    ListStrategy strategy(List<String> path);

    PatchMeta NONE = path -> ListStrategy.REPLACE;
}
