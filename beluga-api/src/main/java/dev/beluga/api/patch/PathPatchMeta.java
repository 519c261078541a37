package dev.beluga.api.patch;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link PatchMeta} from a table of field paths. Paths are written dotted ({@code spec.template.spec.containers}) and
 * may be grouped into fragments that are included under a prefix (a pod spec under {@code spec.template.spec}).
 * Immutable once built.
 */
public final class PathPatchMeta implements PatchMeta {
    private final Map<List<String>, ListStrategy> fields;

    private PathPatchMeta(Map<List<String>, ListStrategy> fields) {
        this.fields = Map.copyOf(fields);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ListStrategy strategy(List<String> path) {
        return fields.getOrDefault(path, ListStrategy.DEFAULT);
    }

    /** The declared fields, dotted path to strategy (for tests and debugging). */
    public Map<String, ListStrategy> declared() {
        Map<String, ListStrategy> out = new HashMap<>();
        fields.forEach((k, v) -> out.put(String.join(".", k), v));
        return out;
    }

    /** Collects field strategies by dotted path. */
    public static final class Builder {
        private final Map<List<String>, ListStrategy> fields = new HashMap<>();

        private Builder() {
        }

        /** A list of objects merged by {@code mergeKey} ({@code patchStrategy:"merge" patchMergeKey:"..."}). */
        public Builder merge(String path, String mergeKey) {
            return set(path, new ListStrategy(PatchStrategy.MERGE, mergeKey, false));
        }

        /** A list of objects merged by {@code mergeKey} whose elements are unions ({@code patchStrategy:"merge,retainKeys"}). */
        public Builder mergeRetainingKeys(String path, String mergeKey) {
            return set(path, new ListStrategy(PatchStrategy.MERGE, mergeKey, true));
        }

        /** A list of primitives merged as a set ({@code patchStrategy:"merge"} without a merge key, e.g. finalizers). */
        public Builder mergeSet(String path) {
            return set(path, new ListStrategy(PatchStrategy.MERGE, null, false));
        }

        /** A field replaced as a whole ({@code patchStrategy:"replace"}). */
        public Builder replace(String path) {
            return set(path, new ListStrategy(PatchStrategy.REPLACE, null, false));
        }

        /** An object that is a union ({@code patchStrategy:"retainKeys"}); it is merged as usual. */
        public Builder retainKeys(String path) {
            return set(path, new ListStrategy(PatchStrategy.DEFAULT, null, true));
        }

        public Builder set(String path, ListStrategy strategy) {
            fields.put(split(path), strategy);
            return this;
        }

        /** Every field of {@code fragment}, under {@code prefix} (dotted; empty for the root). */
        public Builder include(String prefix, PathPatchMeta fragment) {
            List<String> head = prefix.isEmpty() ? List.of() : split(prefix);
            fragment.fields.forEach((path, s) -> {
                List<String> full = new java.util.ArrayList<>(head);
                full.addAll(path);
                fields.put(List.copyOf(full), s);
            });
            return this;
        }

        public PathPatchMeta build() {
            return new PathPatchMeta(fields);
        }

        private static List<String> split(String dotted) {
            return List.copyOf(Arrays.asList(dotted.split("\\.")));
        }
    }
}
