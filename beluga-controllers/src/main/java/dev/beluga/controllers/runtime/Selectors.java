package dev.beluga.controllers.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beluga.api.labels.LabelSelector;

import java.util.Map;

/**
 * Beluga's label selectors from fabric8's structured ones (through their JSON form, which
 * {@link LabelSelector#fromJson} reads as upstream's {@code LabelSelectorAsSelector}: null matches nothing, empty
 * matches everything).
 */
public final class Selectors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Selectors() {
    }

    public static LabelSelector of(io.fabric8.kubernetes.api.model.LabelSelector s) {
        if (s == null) return LabelSelector.NOTHING;
        return LabelSelector.fromJson(JSON.valueToTree(s));
    }

    /** A ReplicationController's map selector: an empty or null map matches nothing here (upstream defaults it). */
    public static LabelSelector ofMap(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) return LabelSelector.NOTHING;
        return LabelSelector.fromSet(labels);
    }
}
