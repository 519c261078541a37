package dev.beluga.apiserver.authz.node;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The objects a pod needs from its node's point of view (upstream's {@code VisitPodSecretNames},
 * {@code VisitPodConfigmapNames} and the graph populator): Secrets (image pull secrets, secret and projected volumes,
 * volume plugins' secret references, env and envFrom), ConfigMaps (volumes, projected volumes, env, envFrom),
 * PersistentVolumeClaims (claims and generic ephemeral volumes, named {@code <pod>-<volume>}) and its ServiceAccount.
 * Stateless.
 */
public final class PodReferences {
    /** An object a pod refers to; kind is {@code secrets}, {@code configmaps}, {@code persistentvolumeclaims} or {@code serviceaccounts}. */
    public record Ref(String kind, String namespace, String name) {
    }

    private static final List<String> SECRET_REF_VOLUMES = List.of("cephfs", "cinder", "flexVolume", "iscsi", "rbd", "scaleIO", "storageos");

    private PodReferences() {
    }

    public static Set<Ref> of(JsonNode pod) {
        String ns = pod.path("metadata").path("namespace").asText("");
        String podName = pod.path("metadata").path("name").asText("");
        JsonNode spec = pod.path("spec");
        Set<Ref> refs = new HashSet<>();
        for (JsonNode s : spec.path("imagePullSecrets")) add(refs, "secrets", ns, s.path("name"));
        String sa = spec.path("serviceAccountName").asText("");
        if (!sa.isEmpty()) refs.add(new Ref("serviceaccounts", ns, sa));
        for (JsonNode v : spec.path("volumes")) {
            add(refs, "secrets", ns, v.path("secret").path("secretName"));
            add(refs, "configmaps", ns, v.path("configMap").path("name"));
            add(refs, "persistentvolumeclaims", ns, v.path("persistentVolumeClaim").path("claimName"));
            if (v.has("ephemeral")) refs.add(new Ref("persistentvolumeclaims", ns, podName + "-" + v.path("name").asText()));
            for (JsonNode src : v.path("projected").path("sources")) {
                add(refs, "secrets", ns, src.path("secret").path("name"));
                add(refs, "configmaps", ns, src.path("configMap").path("name"));
            }
            add(refs, "secrets", ns, v.path("azureFile").path("secretName"));
            add(refs, "secrets", ns, v.path("csi").path("nodePublishSecretRef").path("name"));
            for (String plugin : SECRET_REF_VOLUMES) add(refs, "secrets", ns, v.path(plugin).path("secretRef").path("name"));
        }
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (JsonNode c : spec.path(list)) {
                for (JsonNode e : c.path("env")) {
                    add(refs, "secrets", ns, e.path("valueFrom").path("secretKeyRef").path("name"));
                    add(refs, "configmaps", ns, e.path("valueFrom").path("configMapKeyRef").path("name"));
                }
                for (JsonNode e : c.path("envFrom")) {
                    add(refs, "secrets", ns, e.path("secretRef").path("name"));
                    add(refs, "configmaps", ns, e.path("configMapRef").path("name"));
                }
            }
        }
        return refs;
    }

    private static void add(Set<Ref> refs, String kind, String ns, JsonNode name) {
        if (name.isTextual() && !name.asText().isEmpty()) refs.add(new Ref(kind, ns, name.asText()));
    }
}
