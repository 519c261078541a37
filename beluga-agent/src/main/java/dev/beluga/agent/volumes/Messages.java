package dev.beluga.agent.volumes;

import java.util.LinkedHashSet;
import java.util.List;

/** Several error messages as one, the way Go's utilerrors.NewAggregate prints them. */
final class Messages {
    private Messages() {
    }

    /** Null for none, the message itself for one, {@code [a, b]} for more (duplicates dropped). */
    static String aggregate(List<String> messages) {
        var unique = new LinkedHashSet<>(messages);
        if (unique.isEmpty()) return null;
        if (unique.size() == 1) return unique.iterator().next();
        return "[" + String.join(", ", unique) + "]";
    }
}
