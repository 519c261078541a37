package dev.beluga.api.patch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The list merge strategies of the built-in Kubernetes types, from the {@code patchStrategy}/{@code patchMergeKey}
 * tags of k8s.io/api: containers by name, their ports by containerPort, env by name, volumeMounts by mountPath,
 * volumes by name, service ports by port, conditions by type, finalizers as a set, ownerReferences by uid, ...
 */
public final class BuiltinPatchMeta {
    private BuiltinPatchMeta() {
    }

    private static final Map<String, PatchMeta.ListStrategy> OBJECT_META = Map.of(
        "metadata.finalizers", new PatchMeta.ListStrategy(true, null, false),
        "metadata.ownerReferences", new PatchMeta.ListStrategy(true, "uid", false));

    /** The strategies of a PodSpec, relative to the spec. */
    private static Map<String, PatchMeta.ListStrategy> podSpec() {
        Map<String, PatchMeta.ListStrategy> m = new HashMap<>();
        for (String list : List.of("containers", "initContainers", "ephemeralContainers")) {
            m.put(list, merge("name"));
            m.put(list + ".ports", merge("containerPort"));
            m.put(list + ".env", merge("name"));
            m.put(list + ".volumeMounts", merge("mountPath"));
            m.put(list + ".volumeDevices", merge("devicePath"));
        }
        m.put("volumes", new PatchMeta.ListStrategy(true, "name", true));
        m.put("imagePullSecrets", merge("name"));
        m.put("hostAliases", merge("ip"));
        m.put("topologySpreadConstraints", merge("topologyKey"));
        m.put("resourceClaims", new PatchMeta.ListStrategy(true, "name", true));
        m.put("schedulingGates", merge("name"));
        return m;
    }

    private static PatchMeta.ListStrategy merge(String key) {
        return new PatchMeta.ListStrategy(true, key, false);
    }

    /** The patch metadata of a built-in kind (unknown kinds: every list is replaced, like a merge patch). */
    public static PatchMeta forKind(String group, String kind) {
        Map<String, PatchMeta.ListStrategy> m = new HashMap<>(OBJECT_META);
        String podSpecPrefix = switch (kind) {
            case "Pod" -> "spec.";
            case "PodTemplate" -> "template.spec.";
            case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController", "Job" -> "spec.template.spec.";
            case "CronJob" -> "spec.jobTemplate.spec.template.spec.";
            default -> null;
        };
        if (podSpecPrefix != null) {
            podSpec().forEach((k, v) -> m.put(podSpecPrefix + k, v));
            String templateMeta = podSpecPrefix.substring(0, podSpecPrefix.length() - "spec.".length());
            if (!templateMeta.isEmpty()) OBJECT_META.forEach((k, v) -> m.put(templateMeta + k, v));
        }
        switch (kind) {
            case "Pod" -> {
                m.put("status.conditions", merge("type"));
                m.put("status.podIPs", merge("ip"));
            }
            case "Service" -> {
                m.put("spec.ports", merge("port"));
                m.put("status.conditions", merge("type"));
            }
            case "Node" -> {
                m.put("status.conditions", merge("type"));
                m.put("status.addresses", merge("type"));
            }
            case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController", "Job", "Namespace",
                 "PersistentVolumeClaim" -> m.put("status.conditions", merge("type"));
            case "Endpoints" -> { }
            default -> { }
        }
        return path -> m.getOrDefault(String.join(".", path), PatchMeta.ListStrategy.REPLACE);
    }
}
