package dev.beluga.cli.args;

/**
 * Whether a mistyped name is close to a known one: a prefix of it (two characters or more), or at most two edits away
 * (one for names shorter than five characters, so that any two letters do not suggest {@code up}). Stateless.
 */
final class Suggestions {
    private Suggestions() {
    }

    static boolean close(String typed, String known) {
        if (typed.length() >= 2 && known.startsWith(typed)) return true;
        return editDistance(typed, known) <= (known.length() < 5 ? 1 : 2);
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
