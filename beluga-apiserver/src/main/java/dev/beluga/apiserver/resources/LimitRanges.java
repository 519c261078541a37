package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.quota.Amount;
import dev.beluga.api.quota.PodResourceSums;
import dev.beluga.apiserver.Json;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one LimitRange does to pods and claims, as upstream's LimitRanger admission plugin: container defaults
 * ({@code defaultRequest} into requests, {@code default} into limits, only where the container states nothing for
 * that resource, recorded in the {@code kubernetes.io/limit-ranger} annotation), and the {@code min}, {@code max} and
 * {@code maxLimitRequestRatio} checks per Container, per Pod (the pod's effective sums) and per
 * PersistentVolumeClaim, with upstream's messages. Stateless and thread-safe.
 */
final class LimitRanges {
    static final String ANNOTATION = "kubernetes.io/limit-ranger";

    private LimitRanges() {
    }

    /**
     * Puts the range's container defaults into the pod's containers (then init containers) where they state nothing
     * for a resource; returns the annotation's pieces ({@code cpu, memory request for container app}).
     */
    static List<String> applyDefaults(ObjectNode pod, JsonNode limitRange) {
        Map<String, JsonNode> requests = new TreeMap<>();
        Map<String, JsonNode> limits = new TreeMap<>();
        for (JsonNode item : limitRange.path("spec").path("limits")) {
            if (!"Container".equals(item.path("type").asText())) continue;
            item.path("defaultRequest").fields().forEachRemaining(e -> requests.put(e.getKey(), e.getValue()));
            item.path("default").fields().forEachRemaining(e -> limits.put(e.getKey(), e.getValue()));
        }
        List<String> pieces = new ArrayList<>();
        if (requests.isEmpty() && limits.isEmpty()) return pieces;
        ObjectNode spec = Json.with(pod, "spec");
        for (String[] list : new String[][] {{"containers", "container"}, {"initContainers", "init container"}}) {
            if (!(spec.get(list[0]) instanceof com.fasterxml.jackson.databind.node.ArrayNode containers)) continue;
            for (JsonNode c : containers) {
                if (!(c instanceof ObjectNode container)) continue;
                ObjectNode resources = Json.with(container, "resources");
                TreeSet<String> setRequests = fill(resources, "requests", requests);
                TreeSet<String> setLimits = fill(resources, "limits", limits);
                String name = container.path("name").asText();
                if (!setRequests.isEmpty()) pieces.add(String.join(", ", setRequests) + " request for " + list[1] + " " + name);
                if (!setLimits.isEmpty()) pieces.add(String.join(", ", setLimits) + " limit for " + list[1] + " " + name);
            }
        }
        return pieces;
    }

    private static TreeSet<String> fill(ObjectNode resources, String part, Map<String, JsonNode> defaults) {
        TreeSet<String> set = new TreeSet<>();
        if (defaults.isEmpty()) return set;
        ObjectNode values = Json.with(resources, part);
        defaults.forEach((k, v) -> {
            if (!values.has(k)) {
                values.set(k, v.deepCopy());
                set.add(k);
            }
        });
        return set;
    }

    /** Sets the annotation recording what the ranges defaulted (nothing when nothing was). */
    static void annotate(ObjectNode pod, List<String> pieces) {
        if (pieces.isEmpty()) return;
        Json.with(Json.with(pod, "metadata"), "annotations").put(ANNOTATION, "LimitRanger plugin set: " + String.join("; ", pieces));
    }

    /** The range's violations by the pod: per container (and init container) and for the pod's effective sums. */
    static List<String> podViolations(JsonNode pod, JsonNode limitRange) {
        LinkedHashSet<String> errors = new LinkedHashSet<>();
        for (JsonNode item : limitRange.path("spec").path("limits")) {
            String type = item.path("type").asText();
            if (type.equals("Container")) {
                for (String list : new String[] {"containers", "initContainers"}) {
                    for (JsonNode c : pod.path("spec").path(list)) {
                        check(item, "Container", PodResourceSums.quantities(c.path("resources").path("requests")),
                            PodResourceSums.quantities(c.path("resources").path("limits")), errors, false);
                    }
                }
            } else if (type.equals("Pod")) {
                check(item, "Pod", PodResourceSums.requests(pod), PodResourceSums.limits(pod), errors, false);
            }
        }
        return new ArrayList<>(errors);
    }

    /** The range's violations by a claim's {@code spec.resources.requests} (type PersistentVolumeClaim). */
    static List<String> claimViolations(JsonNode claim, JsonNode limitRange) {
        LinkedHashSet<String> errors = new LinkedHashSet<>();
        for (JsonNode item : limitRange.path("spec").path("limits")) {
            if (!"PersistentVolumeClaim".equals(item.path("type").asText())) continue;
            check(item, "PersistentVolumeClaim", PodResourceSums.quantities(claim.path("spec").path("resources").path("requests")),
                Map.of(), errors, true);
        }
        return new ArrayList<>(errors);
    }

    /** The message of a refusal for these violations: one as it is, several as {@code [a, b]} (upstream's aggregate). */
    static String message(List<String> violations) {
        return violations.size() == 1 ? violations.getFirst() : "[" + String.join(", ", violations) + "]";
    }

    private static void check(JsonNode item, String kind, Map<String, Amount> requests, Map<String, Amount> limits,
                              LinkedHashSet<String> errors, boolean requestOnlyMax) {
        for (Iterator<Map.Entry<String, JsonNode>> it = item.path("min").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Amount min = Amount.parseOrNull(e.getValue().asText());
            if (min == null) continue;
            String r = e.getKey();
            Amount req = requests.get(r);
            Amount lim = limits.get(r);
            if (req == null) errors.add("minimum " + r + " usage per " + kind + " is " + min + ".  No request is specified");
            else if (req.compareTo(min) < 0) errors.add("minimum " + r + " usage per " + kind + " is " + min + ", but request is " + req);
            else if (lim != null && lim.compareTo(min) < 0) errors.add("minimum " + r + " usage per " + kind + " is " + min + ", but limit is " + lim);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = item.path("max").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Amount max = Amount.parseOrNull(e.getValue().asText());
            if (max == null) continue;
            String r = e.getKey();
            Amount req = requests.get(r);
            if (requestOnlyMax) {
                if (req == null) errors.add("maximum " + r + " usage per " + kind + " is " + max + ".  No request is specified");
                else if (req.compareTo(max) > 0) errors.add("maximum " + r + " usage per " + kind + " is " + max + ", but request is " + req);
                continue;
            }
            Amount lim = limits.get(r);
            if (lim == null) errors.add("maximum " + r + " usage per " + kind + " is " + max + ".  No limit is specified");
            else if (lim.compareTo(max) > 0) errors.add("maximum " + r + " usage per " + kind + " is " + max + ", but limit is " + lim);
            else if (req != null && req.compareTo(max) > 0) errors.add("maximum " + r + " usage per " + kind + " is " + max + ", but request is " + req);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = item.path("maxLimitRequestRatio").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Amount ratio = Amount.parseOrNull(e.getValue().asText());
            if (ratio == null) continue;
            String r = e.getKey();
            Amount req = requests.get(r);
            Amount lim = limits.get(r);
            String head = r + " max limit to request ratio per " + kind + " is " + ratio;
            if (req == null || req.isZero()) errors.add(head + ", but no request is specified or request is 0");
            else if (lim == null || lim.isZero()) errors.add(head + ", but no limit is specified or limit is 0");
            else {
                BigDecimal observed = lim.value().divide(req.value(), 12, RoundingMode.HALF_EVEN);
                if (observed.compareTo(ratio.value()) > 0)
                    errors.add(head + ", but provided ratio is " + String.format(Locale.ROOT, "%f", observed.doubleValue()));
            }
        }
    }
}
