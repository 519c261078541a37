package dev.beluga.controllers.job;

import io.fabric8.kubernetes.api.model.Pod;

import java.util.BitSet;

/**
 * Completion indexes of Indexed Jobs: the pod annotation {@code batch.kubernetes.io/job-completion-index} and the
 * compressed interval form of {@code status.completedIndexes} ({@code "0-2,4,6-7"}). Stateless.
 */
final class CompletionIndexes {
    static final String ANNOTATION = "batch.kubernetes.io/job-completion-index";

    private CompletionIndexes() {
    }

    /** The pod's completion index, or -1 when it has none or it is not a valid index below {@code completions}. */
    static int of(Pod p, int completions) {
        String v = p.getMetadata().getAnnotations() == null ? null : p.getMetadata().getAnnotations().get(ANNOTATION);
        if (v == null) return -1;
        try {
            int i = Integer.parseInt(v);
            return i >= 0 && i < completions ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Parses {@code "0-2,4"}; unparsable parts are ignored (the status is ours, but may have been edited). */
    static BitSet parse(String s) {
        BitSet set = new BitSet();
        if (s == null || s.isBlank()) return set;
        for (String part : s.split(",")) {
            try {
                int dash = part.indexOf('-');
                if (dash < 0) set.set(Integer.parseInt(part.trim()));
                else set.set(Integer.parseInt(part.substring(0, dash).trim()), Integer.parseInt(part.substring(dash + 1).trim()) + 1);
            } catch (RuntimeException e) {
                // skip
            }
        }
        return set;
    }

    /** The interval form, or null when empty (as upstream omits the field). */
    static String format(BitSet set) {
        if (set.isEmpty()) return null;
        StringBuilder b = new StringBuilder();
        for (int start = set.nextSetBit(0); start >= 0; ) {
            int end = set.nextClearBit(start) - 1;
            if (!b.isEmpty()) b.append(',');
            b.append(start);
            if (end > start) b.append('-').append(end);
            start = set.nextSetBit(end + 1);
        }
        return b.toString();
    }
}
