package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.Strategy;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The ServiceAccount admission plugin, as a wrapper around the Pod strategy, on create only:
 * <ul>
 *   <li>Mirror pods (annotation {@code kubernetes.io/config.mirror}) are not changed, and are refused (403) when they
 *       name a service account or project a service-account token, as upstream.</li>
 *   <li>{@code spec.serviceAccountName} defaults to {@code default}.</li>
 *   <li>The ServiceAccount is looked up: a missing one is 403 {@code error looking up service account NS/NAME:
 *       serviceaccount "NAME" not found}, as upstream — except the {@code default} ServiceAccount, whose absence (no
 *       controller manager has made it yet) lets the pod in without a token (Beluga's softer rule, see
 *       docs/apiserver.md).</li>
 *   <li>Unless {@code automountServiceAccountToken} is false on the pod (or, when the pod leaves it unset, on the
 *       ServiceAccount), every container and init container without a mount at
 *       {@value #MOUNT_PATH} gets a read-only mount of the projected volume {@code kube-api-access-XXXXX} (an existing
 *       volume with that prefix is reused), which is added: a serviceAccountToken ({@code token}, 3607 s), the
 *       {@code kube-root-ca.crt} ConfigMap's {@code ca.crt}, and the downward API's {@code namespace}, mode 0644.</li>
 *   <li>A pod without {@code imagePullSecrets} gets the ServiceAccount's.</li>
 * </ul>
 * Reads ServiceAccounts from the store (consistent); stateless and thread-safe.
 */
final class ServiceAccountAdmission extends DelegatingStrategy {
    static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
    static final String VOLUME_PREFIX = "kube-api-access-";
    static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
    static final String ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";
    /** The kubelet's token lifetime: just over an hour, upstream's value that marks tokens made by this plugin's volumes. */
    static final int TOKEN_EXPIRATION_SECONDS = 3607;
    private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private final ResourceRegistry registry;

    ServiceAccountAdmission(Strategy pods, ResourceRegistry registry) {
        super(pods);
        this.registry = registry;
    }

    @Override
    public void prepareForCreate(ObjectNode pod) {
        super.prepareForCreate(pod);
        admit(pod, this::serviceAccount);
    }

    /** Looks a ServiceAccount up: the object, or null when it does not exist. */
    @FunctionalInterface
    interface Lookup {
        ObjectNode find(String namespace, String name);
    }

    /** The plugin's work on a pod being created (defaults already applied); {@code lookup} finds ServiceAccounts. */
    static void admit(ObjectNode pod, Lookup lookup) {
        ObjectNode spec = Json.with(pod, "spec");
        if (pod.path("metadata").path("annotations").has(MIRROR_ANNOTATION)) {
            checkMirrorPod(spec);
            return;
        }
        String name = spec.path("serviceAccountName").asText("");
        if (name.isEmpty()) name = spec.path("serviceAccount").asText("");
        if (name.isEmpty()) name = "default";
        spec.put("serviceAccountName", name).put("serviceAccount", name);
        String namespace = pod.path("metadata").path("namespace").asText();
        ObjectNode sa = lookup.find(namespace, name);
        if (sa == null) {
            if (name.equals("default")) return;
            throw StatusException.forbidden("pods \"" + podName(pod) + "\" is forbidden: error looking up service account "
                + namespace + "/" + name + ": serviceaccount \"" + name + "\" not found");
        }
        if (automount(spec, sa)) mountToken(spec);
        if (spec.path("imagePullSecrets").isEmpty() && sa.path("imagePullSecrets") instanceof ArrayNode secrets && !secrets.isEmpty()) {
            ArrayNode out = spec.putArray("imagePullSecrets");
            for (JsonNode s : secrets) out.addObject().put("name", s.path("name").asText());
        }
    }

    private static String podName(ObjectNode pod) {
        String n = pod.path("metadata").path("name").asText("");
        return n.isEmpty() ? pod.path("metadata").path("generateName").asText("") : n;
    }

    private static void checkMirrorPod(ObjectNode spec) {
        if (!spec.path("serviceAccountName").asText("").isEmpty() || !spec.path("serviceAccount").asText("").isEmpty())
            throw StatusException.forbidden("a mirror pod may not reference service accounts");
        for (JsonNode v : spec.path("volumes"))
            for (JsonNode source : v.path("projected").path("sources"))
                if (source.has("serviceAccountToken"))
                    throw StatusException.forbidden("a mirror pod may not use ServiceAccountToken volume projections");
    }

    private static boolean automount(ObjectNode spec, ObjectNode sa) {
        if (spec.path("automountServiceAccountToken").isBoolean()) return spec.get("automountServiceAccountToken").asBoolean();
        if (sa.path("automountServiceAccountToken").isBoolean()) return sa.get("automountServiceAccountToken").asBoolean();
        return true;
    }

    private static void mountToken(ObjectNode spec) {
        String volume = null;
        for (JsonNode v : spec.path("volumes"))
            if (v.path("name").asText("").startsWith(VOLUME_PREFIX)) {
                volume = v.path("name").asText();
                break;
            }
        boolean hasVolume = volume != null;
        if (volume == null) volume = VOLUME_PREFIX + suffix();
        boolean needed = false;
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                ObjectNode container = (ObjectNode) c;
                boolean mounted = false;
                for (JsonNode m : container.path("volumeMounts")) if (MOUNT_PATH.equals(m.path("mountPath").asText())) mounted = true;
                if (mounted) continue;
                ArrayNode mounts = container.get("volumeMounts") instanceof ArrayNode a ? a : container.putArray("volumeMounts");
                mounts.addObject().put("name", volume).put("readOnly", true).put("mountPath", MOUNT_PATH);
                needed = true;
            }
        }
        if (hasVolume || !needed) return;
        ArrayNode volumes = spec.get("volumes") instanceof ArrayNode a ? a : spec.putArray("volumes");
        ObjectNode projected = volumes.addObject().put("name", volume).putObject("projected");
        ArrayNode sources = projected.putArray("sources");
        sources.addObject().putObject("serviceAccountToken").put("expirationSeconds", TOKEN_EXPIRATION_SECONDS).put("path", "token");
        ObjectNode cm = sources.addObject().putObject("configMap").put("name", ROOT_CA_CONFIG_MAP);
        cm.putArray("items").addObject().put("key", "ca.crt").put("path", "ca.crt");
        sources.addObject().putObject("downwardAPI").putArray("items").addObject().put("path", "namespace")
            .putObject("fieldRef").put("apiVersion", "v1").put("fieldPath", "metadata.namespace");
        projected.put("defaultMode", 420);
    }

    private static String suffix() {
        StringBuilder sb = new StringBuilder(5);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 5; i++) sb.append(SUFFIX_ALPHABET.charAt(r.nextInt(SUFFIX_ALPHABET.length())));
        return sb.toString();
    }

    private ObjectNode serviceAccount(String namespace, String name) {
        try {
            return registry.get("", "v1", "serviceaccounts").get(namespace, name, null);
        } catch (StatusException e) {
            if (e.code() == 404) return null;
            throw e;
        }
    }
}
