package dev.beluga.api.patch;

/**
 * Patch metadata of the structures the built-in kinds share, relative to where they appear, transcribed from the
 * {@code patchStrategy}/{@code patchMergeKey} struct tags of k8s.io/api (core/v1 and meta/v1).
 */
final class BuiltinFragments {
    private BuiltinFragments() {
    }

    /** ObjectMeta: finalizers are a set, ownerReferences merge by uid. */
    static final PathPatchMeta OBJECT_META = PathPatchMeta.builder()
        .mergeSet("finalizers")
        .merge("ownerReferences", "uid")
        .build();

    /** Container and EphemeralContainer (EphemeralContainerCommon). */
    static final PathPatchMeta CONTAINER = PathPatchMeta.builder()
        .merge("ports", "containerPort")
        .merge("env", "name")
        .merge("volumeMounts", "mountPath")
        .merge("volumeDevices", "devicePath")
        .build();

    /** PodSpec. Tolerations, readinessGates and the like declare no strategy: they are replaced. */
    static final PathPatchMeta POD_SPEC = PathPatchMeta.builder()
        .merge("containers", "name").include("containers", CONTAINER)
        .merge("initContainers", "name").include("initContainers", CONTAINER)
        .merge("ephemeralContainers", "name").include("ephemeralContainers", CONTAINER)
        .mergeRetainingKeys("volumes", "name")
        .merge("imagePullSecrets", "name")
        .merge("hostAliases", "ip")
        .merge("topologySpreadConstraints", "topologyKey")
        .merge("schedulingGates", "name")
        .mergeRetainingKeys("resourceClaims", "name")
        .merge("evictionResponders", "name")
        .build();

    /** ContainerStatus. */
    static final PathPatchMeta CONTAINER_STATUS = PathPatchMeta.builder()
        .merge("volumeMounts", "mountPath")
        .merge("allocatedResourcesStatus", "name")
        .build();

    /** PodStatus. */
    static final PathPatchMeta POD_STATUS = PathPatchMeta.builder()
        .merge("conditions", "type")
        .merge("hostIPs", "ip")
        .merge("podIPs", "ip")
        .include("containerStatuses", CONTAINER_STATUS)
        .include("initContainerStatuses", CONTAINER_STATUS)
        .include("ephemeralContainerStatuses", CONTAINER_STATUS)
        .mergeRetainingKeys("resourceClaimStatuses", "name")
        .merge("nodeAllocatableResourceClaimStatuses", "resourceClaimName")
        .merge("nodeAllocatableResourceClaimStatuses.mapping", "name")
        .merge("nodeAllocatableResourceClaimStatuses.overhead", "name")
        .merge("volumeHealth.healthConditions", "status")
        .build();

    /** PodTemplateSpec: metadata and pod spec. */
    static final PathPatchMeta POD_TEMPLATE_SPEC = PathPatchMeta.builder()
        .include("metadata", OBJECT_META)
        .include("spec", POD_SPEC)
        .build();

    /** PersistentVolumeClaim (also the volumeClaimTemplates of a StatefulSet). */
    static final PathPatchMeta PERSISTENT_VOLUME_CLAIM = PathPatchMeta.builder()
        .include("metadata", OBJECT_META)
        .merge("status.conditions", "type")
        .merge("status.healthStatus.healthConditions", "status")
        .build();

    /** A status whose conditions merge by type (most workload and cluster objects). */
    static final PathPatchMeta STATUS_CONDITIONS = PathPatchMeta.builder()
        .merge("status.conditions", "type")
        .build();
}
