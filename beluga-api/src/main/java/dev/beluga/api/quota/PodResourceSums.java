package dev.beluga.api.quota;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pod's effective requests or limits, as upstream's {@code resourcehelper.PodRequests}/{@code PodLimits}: the sum
 * over its containers and sidecars (init containers with {@code restartPolicy: Always}), or — per resource — the
 * largest need of a regular init container (plus the sidecars started before it) when that is larger, plus the
 * pod's {@code spec.overhead} (for limits, only on resources that have one). Quantities that do not parse count as nothing (validation has refused them already).
 * Stateless and thread-safe.
 */
public final class PodResourceSums {
    private PodResourceSums() {
    }

    /** The pod's effective requests by resource name ({@code cpu}, {@code memory}, ...). */
    public static Map<String, Amount> requests(JsonNode pod) {
        return sum(pod, "requests");
    }

    /** The pod's effective limits by resource name. */
    public static Map<String, Amount> limits(JsonNode pod) {
        return sum(pod, "limits");
    }

    private static Map<String, Amount> sum(JsonNode pod, String part) {
        JsonNode spec = pod.path("spec");
        Map<String, Amount> containers = new TreeMap<>();
        for (JsonNode c : spec.path("containers")) addAll(containers, resources(c, part));
        Map<String, Amount> sidecars = new TreeMap<>();
        Map<String, Amount> initPeak = new TreeMap<>();
        for (JsonNode c : spec.path("initContainers")) {
            Map<String, Amount> own = resources(c, part);
            if ("Always".equals(c.path("restartPolicy").asText())) {
                addAll(sidecars, own);
                maxAll(initPeak, sidecars); // a sidecar's start needs what the sidecars so far need
            } else {
                Map<String, Amount> need = new TreeMap<>(sidecars);
                addAll(need, own);
                maxAll(initPeak, need);
            }
        }
        addAll(containers, sidecars);
        maxAll(containers, initPeak);
        Map<String, Amount> overhead = quantities(spec.path("overhead"));
        if (part.equals("limits")) overhead.keySet().retainAll(containers.keySet()); // only limits that exist grow
        addAll(containers, overhead);
        return containers;
    }

    private static Map<String, Amount> resources(JsonNode container, String part) {
        return quantities(container.path("resources").path(part));
    }

    /** The parsable quantities of a resource list object ({@code {"cpu":"100m"}}). */
    public static Map<String, Amount> quantities(JsonNode list) {
        Map<String, Amount> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Amount a = Amount.parseOrNull(e.getValue().asText(null));
            if (a != null) out.put(e.getKey(), a);
        }
        return out;
    }

    static void addAll(Map<String, Amount> into, Map<String, Amount> add) {
        add.forEach((k, v) -> into.merge(k, v, Amount::plus));
    }

    private static void maxAll(Map<String, Amount> into, Map<String, Amount> other) {
        other.forEach((k, v) -> into.merge(k, v, Amount::max));
    }
}
