package dev.beluga.api.quota;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one object counts against a ResourceQuota, by quota resource name, as upstream's quota evaluators
 * ({@code pkg/quota/v1/evaluator/core}):
 * <ul>
 *   <li>every namespaced object: {@code count/<plural>} (core group) or {@code count/<plural>.<group>};</li>
 *   <li>the legacy object counts {@code pods}, {@code services}, {@code configmaps}, {@code secrets},
 *       {@code persistentvolumeclaims}, {@code replicationcontrollers}, {@code resourcequotas};</li>
 *   <li>pods: {@code requests.cpu}/{@code cpu}, {@code requests.memory}/{@code memory},
 *       {@code requests.ephemeral-storage}/{@code ephemeral-storage}, {@code limits.*} of the same,
 *       {@code requests.hugepages-*} and {@code requests.<extended resource>} — from the pod's effective requests and
 *       limits ({@link PodResourceSums}), {@code hugepages-*} as well; a pod that ended ({@code Succeeded}/{@code Failed})
 *       or whose deletion grace period has run out counts only in {@code count/pods};</li>
 *   <li>services: {@code services.nodeports} (ports of NodePort and LoadBalancer Services, none for a LoadBalancer
 *       with {@code allocateLoadBalancerNodePorts: false}) and {@code services.loadbalancers};</li>
 *   <li>persistent volume claims: {@code requests.storage} and, per storage class,
 *       {@code <class>.storageclass.storage.k8s.io/requests.storage} and {@code .../persistentvolumeclaims}.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class QuotaUsage {
    private static final Set<String> LEGACY_COUNTS = Set.of("pods", "services", "configmaps", "secrets",
        "persistentvolumeclaims", "replicationcontrollers", "resourcequotas");
    private static final Set<String> STANDARD_POD_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage");

    private QuotaUsage() {
    }

    /** The name of the count of objects of {@code plural} in {@code group} ("" for core). */
    public static String countName(String group, String plural) {
        return group.isEmpty() ? "count/" + plural : "count/" + plural + "." + group;
    }

    /** What {@code obj}, of {@code plural} in {@code group}, uses at {@code now}. */
    public static Map<String, Amount> of(String group, String plural, JsonNode obj, Instant now) {
        Map<String, Amount> usage = new TreeMap<>();
        if (group.isEmpty() && plural.equals("pods")) {
            if (countsAsPod(obj, now)) pod(obj, usage); // an ended pod still counts as an object (count/pods)
        } else if (group.isEmpty() && plural.equals("services")) {
            service(obj, usage);
        } else if (group.isEmpty() && plural.equals("persistentvolumeclaims")) {
            claim(obj, usage);
        }
        usage.put(countName(group, plural), Amount.ONE);
        if (group.isEmpty() && LEGACY_COUNTS.contains(plural) && !plural.equals("pods")) usage.put(plural, Amount.ONE);
        return usage;
    }

    /** A pod counts unless it ended or its deletion's grace period has passed (upstream's {@code QuotaV1Pod}). */
    public static boolean countsAsPod(JsonNode pod, Instant now) {
        String phase = pod.path("status").path("phase").asText("");
        if (phase.equals("Succeeded") || phase.equals("Failed")) return false;
        JsonNode meta = pod.path("metadata");
        if (meta.hasNonNull("deletionTimestamp") && meta.hasNonNull("deletionGracePeriodSeconds")) {
            try {
                Instant deadline = Instant.parse(meta.path("deletionTimestamp").asText())
                    .plusSeconds(meta.path("deletionGracePeriodSeconds").asLong());
                return now.isBefore(deadline);
            } catch (java.time.format.DateTimeParseException e) {
                return true;
            }
        }
        return true;
    }

    private static void pod(JsonNode pod, Map<String, Amount> usage) {
        usage.put("pods", Amount.ONE);
        PodResourceSums.requests(pod).forEach((name, amount) -> {
            if (STANDARD_POD_RESOURCES.contains(name)) {
                usage.put("requests." + name, amount);
                usage.put(name, amount);
            } else {
                usage.put("requests." + name, amount); // hugepages-* and extended resources: requests only
                if (name.startsWith("hugepages-")) usage.put(name, amount);
            }
        });
        PodResourceSums.limits(pod).forEach((name, amount) -> {
            if (STANDARD_POD_RESOURCES.contains(name)) usage.put("limits." + name, amount);
        });
    }

    private static void service(JsonNode svc, Map<String, Amount> usage) {
        JsonNode spec = svc.path("spec");
        String type = spec.path("type").asText("ClusterIP");
        int ports = spec.path("ports").size();
        if (type.equals("NodePort")) {
            usage.put("services.nodeports", Amount.of(ports));
        } else if (type.equals("LoadBalancer")) {
            usage.put("services.loadbalancers", Amount.ONE);
            boolean allocate = !spec.has("allocateLoadBalancerNodePorts") || spec.path("allocateLoadBalancerNodePorts").asBoolean(true);
            usage.put("services.nodeports", Amount.of(allocate ? ports : 0));
        }
    }

    private static void claim(JsonNode pvc, Map<String, Amount> usage) {
        JsonNode spec = pvc.path("spec");
        Amount storage = Amount.parseOrNull(spec.path("resources").path("requests").path("storage").asText(null));
        String sc = spec.path("storageClassName").asText("");
        if (!sc.isEmpty()) usage.put(sc + ".storageclass.storage.k8s.io/persistentvolumeclaims", Amount.ONE);
        if (storage != null) {
            usage.put("requests.storage", storage);
            if (!sc.isEmpty()) usage.put(sc + ".storageclass.storage.k8s.io/requests.storage", storage);
        }
    }
}
