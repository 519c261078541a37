package dev.beluga.controllers.volume;

import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;

import java.util.List;
import java.util.Map;

/**
 * The PersistentVolume the local-path provisioner makes for a claim, as Rancher's local-path-provisioner (k3s)
 * does: named {@code pvc-<claim uid>}, a {@code hostPath} directory {@code <base>/pvc-<uid>_<namespace>_<claim>}
 * ({@code DirectoryOrCreate}), pinned to the selected node by a required {@code kubernetes.io/hostname} node
 * affinity (the caller passes the node's hostname label value, normally its name), pre-bound to the claim. Pure
 * functions.
 */
public final class LocalPathVolumes {
    /** The StorageClass parameter overriding the base directory. */
    public static final String NODE_PATH_PARAMETER = "nodePath";
    private static final List<String> SUPPORTED_MODES = List.of("ReadWriteOnce", "ReadWriteOncePod");

    private LocalPathVolumes() {
    }

    public static String volumeName(PersistentVolumeClaim claim) {
        return "pvc-" + claim.getMetadata().getUid();
    }

    /** The directory on the node: the class's {@code nodePath} parameter, else {@code defaultBase}, plus the folder. */
    public static String path(PersistentVolumeClaim claim, StorageClass cls, String defaultBase) {
        Map<String, String> params = cls.getParameters();
        String base = params != null && params.get(NODE_PATH_PARAMETER) != null && !params.get(NODE_PATH_PARAMETER).isBlank()
            ? params.get(NODE_PATH_PARAMETER) : defaultBase;
        while (base.length() > 1 && base.endsWith("/")) base = base.substring(0, base.length() - 1);
        return base + "/" + volumeName(claim) + "_" + claim.getMetadata().getNamespace() + "_" + claim.getMetadata().getName();
    }

    /** Why the claim cannot be provisioned, or null: node-local directories serve one node's pods, as filesystems. */
    public static String unsupported(PersistentVolumeClaim claim) {
        List<String> modes = VolumeMatcher.accessModes(claim.getSpec().getAccessModes());
        if (!SUPPORTED_MODES.containsAll(modes)) return "NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes";
        if (!"Filesystem".equals(VolumeMatcher.volumeMode(claim.getSpec().getVolumeMode()))) return "only the Filesystem volume mode is supported";
        return null;
    }

    public static PersistentVolume newVolume(PersistentVolumeClaim claim, StorageClass cls, String node, String defaultBase) {
        var meta = claim.getMetadata();
        Quantity request = claim.getSpec().getResources() == null || claim.getSpec().getResources().getRequests() == null ? null
            : claim.getSpec().getResources().getRequests().get("storage");
        String policy = cls.getReclaimPolicy() == null || cls.getReclaimPolicy().isEmpty() ? "Delete" : cls.getReclaimPolicy();
        return new PersistentVolumeBuilder()
            .withNewMetadata().withName(volumeName(claim))
            .addToAnnotations(VolumeAnnotations.PROVISIONED_BY, LocalPathProvisioner.PROVISIONER).endMetadata()
            .withNewSpec()
            .withCapacity(Map.of("storage", request == null ? new Quantity("0") : request))
            .withAccessModes(VolumeMatcher.accessModes(claim.getSpec().getAccessModes()))
            .withPersistentVolumeReclaimPolicy(policy)
            .withStorageClassName(cls.getMetadata().getName())
            .withVolumeMode("Filesystem")
            .withMountOptions(cls.getMountOptions())
            .withNewHostPath().withPath(path(claim, cls, defaultBase)).withType("DirectoryOrCreate").endHostPath()
            .withNewNodeAffinity().withNewRequired().withNodeSelectorTerms(new NodeSelectorTermBuilder().addNewMatchExpression()
                .withKey(VolumeAnnotations.HOSTNAME_LABEL).withOperator("In").withValues(node).endMatchExpression().build())
            .endRequired().endNodeAffinity()
            .withNewClaimRef().withKind("PersistentVolumeClaim").withApiVersion("v1").withNamespace(meta.getNamespace())
            .withName(meta.getName()).withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion()).endClaimRef()
            .endSpec().build();
    }
}
