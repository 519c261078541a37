package dev.beluga.api.patch;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The patch metadata of the built-in Kubernetes kinds, transcribed from the {@code patchStrategy} and
 * {@code patchMergeKey} struct tags of k8s.io/api: containers, volumes, image pull secrets, scheduling gates and
 * resource claims by name, container ports by containerPort, env by name, volume mounts by mountPath, volume devices
 * by devicePath, host aliases by ip, topology spread constraints by topologyKey, service ports by port, node
 * addresses and conditions by type, finalizers as a set, ownerReferences by uid, webhooks by name, and so on. Fields
 * without tags (tolerations, node taints, ...) are replaced.
 *
 * <p>Pod specs are covered wherever they are embedded: {@code spec} of Pod, {@code template.spec} of PodTemplate,
 * {@code spec.template.spec} of Deployment, ReplicaSet, StatefulSet, DaemonSet, Job and ReplicationController,
 * {@code spec.jobTemplate.spec.template.spec} of CronJob.
 */
public final class BuiltinPatchMeta {
    /** The API groups of the built-in kinds (the core group is ""). */
    private static final Set<String> BUILTIN_GROUPS = Set.of("", "apps", "batch", "autoscaling", "policy",
        "networking.k8s.io", "admissionregistration.k8s.io", "certificates.k8s.io", "coordination.k8s.io",
        "discovery.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io", "node.k8s.io", "rbac.authorization.k8s.io",
        "scheduling.k8s.io", "storage.k8s.io", "resource.k8s.io", "storagemigration.k8s.io", "apiextensions.k8s.io",
        "apiregistration.k8s.io", "authentication.k8s.io", "authorization.k8s.io", "internal.apiserver.k8s.io");

    private static final Map<String, Consumer<PathPatchMeta.Builder>> KINDS = Map.ofEntries(
        // core
        Map.entry("/Pod", b -> b.include("spec", BuiltinFragments.POD_SPEC).include("status", BuiltinFragments.POD_STATUS)),
        Map.entry("/PodTemplate", b -> b.include("template", BuiltinFragments.POD_TEMPLATE_SPEC)),
        Map.entry("/ReplicationController", b -> b.include("spec.template", BuiltinFragments.POD_TEMPLATE_SPEC)
            .include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("/Service", b -> b.merge("spec.ports", "port").include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("/ServiceAccount", b -> b.merge("secrets", "name")),
        Map.entry("/Node", b -> b.mergeSet("spec.podCIDRs").merge("status.conditions", "type").merge("status.addresses", "type")),
        Map.entry("/Namespace", b -> b.include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("/PersistentVolumeClaim", b -> b.include("", BuiltinFragments.PERSISTENT_VOLUME_CLAIM)),
        Map.entry("/ComponentStatus", b -> b.merge("conditions", "type")),
        // apps
        Map.entry("apps/Deployment", b -> b.include("spec.template", BuiltinFragments.POD_TEMPLATE_SPEC)
            .retainKeys("spec.strategy").include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("apps/ReplicaSet", b -> b.include("spec.template", BuiltinFragments.POD_TEMPLATE_SPEC)
            .include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("apps/StatefulSet", b -> b.include("spec.template", BuiltinFragments.POD_TEMPLATE_SPEC)
            .include("spec.volumeClaimTemplates", BuiltinFragments.PERSISTENT_VOLUME_CLAIM)
            .include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("apps/DaemonSet", b -> b.include("spec.template", BuiltinFragments.POD_TEMPLATE_SPEC)
            .include("", BuiltinFragments.STATUS_CONDITIONS)),
        // batch
        Map.entry("batch/Job", b -> b.include("spec.template", BuiltinFragments.POD_TEMPLATE_SPEC)
            .merge("spec.scheduling.resourceClaims", "name").include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("batch/CronJob", b -> b.include("spec.jobTemplate.metadata", BuiltinFragments.OBJECT_META)
            .include("spec.jobTemplate.spec.template", BuiltinFragments.POD_TEMPLATE_SPEC)
            .merge("spec.jobTemplate.spec.scheduling.resourceClaims", "name")),
        // others with tags
        Map.entry("autoscaling/HorizontalPodAutoscaler", b -> b.include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("policy/PodDisruptionBudget", b -> b.replace("spec.selector").include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("admissionregistration.k8s.io/ValidatingWebhookConfiguration", b -> b.merge("webhooks", "name")
            .merge("webhooks.matchConditions", "name")),
        Map.entry("admissionregistration.k8s.io/MutatingWebhookConfiguration", b -> b.merge("webhooks", "name")
            .merge("webhooks.matchConditions", "name")),
        Map.entry("admissionregistration.k8s.io/ValidatingAdmissionPolicy", b -> b.merge("spec.matchConditions", "name")
            .merge("spec.variables", "name")),
        Map.entry("admissionregistration.k8s.io/MutatingAdmissionPolicy", b -> b.merge("spec.matchConditions", "name")),
        Map.entry("networking.k8s.io/ServiceCIDR", b -> b.include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("certificates.k8s.io/PodCertificateRequest", b -> b.include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("flowcontrol.apiserver.k8s.io/FlowSchema", b -> b.include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration", b -> b.include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("storage.k8s.io/CSINode", b -> b.merge("spec.drivers", "name").merge("status.storageHealth", "name")),
        Map.entry("resource.k8s.io/ResourceClaim", b -> b.merge("status.reservedFor", "uid")),
        Map.entry("resource.k8s.io/DeviceTaintRule", b -> b.include("", BuiltinFragments.STATUS_CONDITIONS)),
        Map.entry("storagemigration.k8s.io/StorageVersionMigration", b -> b.include("", BuiltinFragments.STATUS_CONDITIONS)));

    private BuiltinPatchMeta() {
    }

    /**
     * The patch metadata of a kind. Every kind gets the ObjectMeta strategies under {@code metadata}; kinds outside the
     * built-in groups (custom resources) get nothing more.
     *
     * @param group the API group, "" for the core group
     * @param kind  the kind, e.g. {@code Deployment}
     */
    public static PathPatchMeta forKind(String group, String kind) {
        PathPatchMeta.Builder b = PathPatchMeta.builder().include("metadata", BuiltinFragments.OBJECT_META);
        Consumer<PathPatchMeta.Builder> k = KINDS.get((group == null ? "" : group) + "/" + kind);
        if (k != null) k.accept(b);
        return b.build();
    }

    /**
     * Whether objects of this group are built-in types. Upstream serves strategic merge patch only for those and
     * answers 415 Unsupported Media Type for custom resources.
     */
    public static boolean isBuiltinGroup(String group) {
        return BUILTIN_GROUPS.contains(group == null ? "" : group);
    }
}
