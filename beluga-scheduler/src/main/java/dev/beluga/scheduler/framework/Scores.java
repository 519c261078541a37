package dev.beluga.scheduler.framework;

/** Score range constants and upstream's {@code helper.DefaultNormalizeScore}. */
public final class Scores {
    /** Highest score a Score plugin may give after normalization. */
    public static final long MAX_NODE_SCORE = 100;
    /** Lowest score. */
    public static final long MIN_NODE_SCORE = 0;

    private Scores() {
    }

    /**
     * Scales scores to [0, maxPriority] relative to the highest one; with {@code reverse}, high raw scores become low.
     * When all scores are 0: all become {@code maxPriority} if reversed, else stay 0.
     */
    public static void defaultNormalize(long maxPriority, boolean reverse, NodeScores scores) {
        long max = 0;
        for (int i = 0; i < scores.size(); i++) max = Math.max(max, scores.get(i));
        if (max == 0) {
            if (reverse) for (int i = 0; i < scores.size(); i++) scores.set(i, maxPriority);
            return;
        }
        for (int i = 0; i < scores.size(); i++) {
            long s = maxPriority * scores.get(i) / max;
            if (reverse) s = maxPriority - s;
            scores.set(i, s);
        }
    }
}
