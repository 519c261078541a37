package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * persistentVolumeClaim volumes: the claim must exist, not be deleting, be Bound with a {@code volumeName}; the
 * PersistentVolume must exist and its {@code claimRef} must point at the claim's UID. Errors carry the kubelet's text
 * ({@code error processing PVC ns/claim: PVC is not bound} and so on). Supported volume sources: {@code hostPath}
 * (with its type check; what Beluga's local-path provisioner makes) and {@code local} (the path must exist); the host
 * path is used in place. The volume is read-only when the pod's claim reference says {@code readOnly}.
 */
final class ClaimVolumes {
    record Resolved(Path path, boolean readOnly) {
    }

    private ClaimVolumes() {
    }

    static Resolved resolve(String namespace, PersistentVolumeClaimVolumeSource source, ObjectSource objects) throws VolumeException {
        String claimName = source.getClaimName();
        String prefix = "error processing PVC " + namespace + "/" + claimName + ": ";
        PersistentVolumeClaim claim = objects.persistentVolumeClaim(namespace, claimName).orElseThrow(() -> new VolumeException(
            prefix + "failed to fetch PVC from API server: persistentvolumeclaims \"" + claimName + "\" not found"));
        if (claim.getMetadata().getDeletionTimestamp() != null) throw new VolumeException(prefix + "PVC is being deleted");
        if (claim.getStatus() == null || !"Bound".equals(claim.getStatus().getPhase())) throw new VolumeException(prefix + "PVC is not bound");
        String pvName = claim.getSpec() == null ? null : claim.getSpec().getVolumeName();
        if (pvName == null || pvName.isEmpty()) throw new VolumeException(prefix + "PVC has empty pvc.Spec.VolumeName");
        PersistentVolume pv = objects.persistentVolume(pvName).orElseThrow(() -> new VolumeException(
            prefix + "failed to fetch PV " + pvName + " from API server: persistentvolumes \"" + pvName + "\" not found"));
        var ref = pv.getSpec().getClaimRef();
        if (ref == null) {
            throw new VolumeException(prefix + "found PV object " + pvName
                + " but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim");
        }
        String claimUid = claim.getMetadata().getUid();
        if (!Objects.equals(ref.getUid(), claimUid)) {
            throw new VolumeException(prefix + "found PV object " + pvName + " but its pv.Spec.ClaimRef.UID " + ref.getUid()
                + " does not point to claim.UID " + claimUid);
        }
        boolean readOnly = Boolean.TRUE.equals(source.getReadOnly());
        if (pv.getSpec().getHostPath() != null) {
            HostPathCheck.check(pv.getSpec().getHostPath().getPath(), pv.getSpec().getHostPath().getType());
            return new Resolved(Path.of(pv.getSpec().getHostPath().getPath()), readOnly);
        }
        if (pv.getSpec().getLocal() != null) {
            Path p = Path.of(pv.getSpec().getLocal().getPath());
            if (!Files.exists(p)) throw new VolumeException("local volume path " + p + " does not exist");
            return new Resolved(p, readOnly);
        }
        throw new VolumeException("PersistentVolume " + pvName + " has a volume source this node agent cannot mount (only hostPath and local)");
    }
}
