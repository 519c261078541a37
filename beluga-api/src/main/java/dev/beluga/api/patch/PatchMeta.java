package dev.beluga.api.patch;

import java.util.List;

/**
 * Patch metadata of a kind: for the field at a path of field names from the object's root (list indexes left out,
 * e.g. {@code [spec, template, spec, containers, ports]}), its patch strategy and merge key.
 *
 * <p>Strategic merge patch consults it for every object and list it merges; server-side apply for list identities.
 */
@FunctionalInterface
public interface PatchMeta {
    /**
     * How a field is patched. (Named for lists, where it matters most; it also carries {@link PatchStrategy#REPLACE}
     * for objects.)
     *
     * @param strategy   the declared strategy
     * @param mergeKey   the field identifying the elements of a merged list of objects; null for primitive lists and others
     * @param retainKeys whether the field also declares {@code retainKeys} (the directive is honoured wherever a patch
     *                   carries it; this flag only documents where patches are expected to)
     */
    record ListStrategy(PatchStrategy strategy, String mergeKey, boolean retainKeys) {
        /** No declared strategy: objects merge, lists are replaced. */
        public static final ListStrategy DEFAULT = new ListStrategy(PatchStrategy.DEFAULT, null, false);

        public ListStrategy {
            if (strategy == null) strategy = PatchStrategy.DEFAULT;
        }

        /** A list merged by {@code mergeKey} (objects) or as a set ({@code mergeKey} null, primitives). */
        public static ListStrategy merge(String mergeKey) {
            return new ListStrategy(PatchStrategy.MERGE, mergeKey, false);
        }

        /** True when the list is merged rather than replaced. */
        public boolean merge() {
            return strategy == PatchStrategy.MERGE;
        }

        /** True when the field is replaced as a whole even if it is an object. */
        public boolean replace() {
            return strategy == PatchStrategy.REPLACE;
        }
    }

    /** The strategy of the field at {@code path}; {@link ListStrategy#DEFAULT} when nothing is declared. Never null. */
    ListStrategy strategy(List<String> path);

    /** No metadata: strategic merge patch then behaves like a JSON merge patch plus its directives. */
    PatchMeta NONE = path -> ListStrategy.DEFAULT;
}
