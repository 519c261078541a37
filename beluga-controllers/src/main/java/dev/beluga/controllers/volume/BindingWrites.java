package dev.beluga.controllers.volume;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The API writes of binding and unbinding (upstream {@code bindVolumeToClaim}, {@code bindClaimToVolume},
 * {@code updateVolumePhase}, {@code updateClaimStatus}, {@code unbindVolume}). Every method writes only when
 * something changes and returns the object as written (or the one given when nothing was written). Writes carry the
 * given object's resourceVersion, so a stale object (from a lagging informer cache) fails with 409 instead of
 * overwriting a concurrent binding; the caller's reconcile then fails and is retried. What it writes is remembered in
 * {@link #volumes} and {@link #claims} so that the next sync starts from it. Never mutates its arguments.
 * Thread-safe.
 */
final class BindingWrites {
    private final KubernetesClient client;
    final WrittenVersions<PersistentVolume> volumes = new WrittenVersions<>();
    final WrittenVersions<PersistentVolumeClaim> claims = new WrittenVersions<>();

    BindingWrites(KubernetesClient client) {
        this.client = client;
    }

    /** Binds both ways, volume first (as upstream), then both statuses. */
    void bind(PersistentVolume volume, PersistentVolumeClaim claim) {
        PersistentVolume v = bindVolume(volume, claim);
        v = volumePhase(v, "Bound", null);
        PersistentVolumeClaim c = bindClaim(claim, v);
        claimBound(c, v);
    }

    /** Points the volume's claimRef at the claim (with uid); marks it bound-by-controller unless it was pre-bound. */
    PersistentVolume bindVolume(PersistentVolume volume, PersistentVolumeClaim claim) {
        ObjectReference ref = volume.getSpec().getClaimRef();
        var meta = claim.getMetadata();
        boolean wasPreBound = VolumeMatcher.isBoundToClaim(volume, claim);
        boolean refOk = ref != null && meta.getName().equals(ref.getName()) && meta.getNamespace().equals(ref.getNamespace())
            && meta.getUid().equals(ref.getUid());
        boolean annotate = !wasPreBound && !VolumeAnnotations.YES.equals(VolumeMatcher.annotation(volume.getMetadata().getAnnotations(),
            VolumeAnnotations.BOUND_BY_CONTROLLER));
        if (refOk && !annotate) return volume;
        PersistentVolume copy = new PersistentVolumeBuilder(volume).build();
        copy.getSpec().setClaimRef(new ObjectReferenceBuilder().withKind("PersistentVolumeClaim").withApiVersion("v1")
            .withNamespace(meta.getNamespace()).withName(meta.getName()).withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion()).build());
        if (annotate) copy.getMetadata().setAnnotations(with(copy.getMetadata().getAnnotations(), VolumeAnnotations.BOUND_BY_CONTROLLER, VolumeAnnotations.YES));
        return volumes.remember(client.persistentVolumes().resource(copy).update());
    }

    /** Sets the claim's volumeName and the bind-completed (and, if the binder chose the volume, bound-by-controller) annotations. */
    PersistentVolumeClaim bindClaim(PersistentVolumeClaim claim, PersistentVolume volume) {
        String name = volume.getMetadata().getName();
        boolean chosenByController = claim.getSpec().getVolumeName() == null || claim.getSpec().getVolumeName().isEmpty();
        Map<String, String> ann = claim.getMetadata().getAnnotations();
        boolean done = name.equals(claim.getSpec().getVolumeName()) && VolumeAnnotations.YES.equals(VolumeMatcher.annotation(ann, VolumeAnnotations.BIND_COMPLETED));
        if (done) return claim;
        PersistentVolumeClaim copy = new PersistentVolumeClaimBuilder(claim).build();
        copy.getSpec().setVolumeName(name);
        Map<String, String> a = with(copy.getMetadata().getAnnotations(), VolumeAnnotations.BIND_COMPLETED, VolumeAnnotations.YES);
        if (chosenByController) a.put(VolumeAnnotations.BOUND_BY_CONTROLLER, VolumeAnnotations.YES);
        copy.getMetadata().setAnnotations(a);
        return claims.remember(client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).resource(copy).update());
    }

    /** Status phase Bound, with the volume's capacity and access modes. */
    PersistentVolumeClaim claimBound(PersistentVolumeClaim claim, PersistentVolume volume) {
        PersistentVolumeClaimStatus old = claim.getStatus() == null ? new PersistentVolumeClaimStatus() : claim.getStatus();
        if ("Bound".equals(old.getPhase()) && Objects.equals(old.getCapacity(), volume.getSpec().getCapacity())
            && Objects.equals(old.getAccessModes(), volume.getSpec().getAccessModes())) return claim;
        PersistentVolumeClaim copy = new PersistentVolumeClaimBuilder(claim).editOrNewStatus().withPhase("Bound")
            .withCapacity(volume.getSpec().getCapacity()).withAccessModes(volume.getSpec().getAccessModes()).endStatus().build();
        return claims.remember(client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).resource(copy).updateStatus());
    }

    /** A phase other than Bound (Pending, Lost): capacity and access modes are cleared, as upstream. */
    PersistentVolumeClaim claimPhase(PersistentVolumeClaim claim, String phase) {
        PersistentVolumeClaimStatus old = claim.getStatus() == null ? new PersistentVolumeClaimStatus() : claim.getStatus();
        if (phase.equals(old.getPhase()) && (old.getCapacity() == null || old.getCapacity().isEmpty())
            && (old.getAccessModes() == null || old.getAccessModes().isEmpty())) return claim;
        PersistentVolumeClaim copy = new PersistentVolumeClaimBuilder(claim).editOrNewStatus().withPhase(phase)
            .withCapacity(null).withAccessModes((java.util.List<String>) null).endStatus().build();
        return claims.remember(client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).resource(copy).updateStatus());
    }

    /** Sets the volume's status phase (and message, null to clear). */
    PersistentVolume volumePhase(PersistentVolume volume, String phase, String message) {
        PersistentVolumeStatus old = volume.getStatus() == null ? new PersistentVolumeStatus() : volume.getStatus();
        if (phase.equals(old.getPhase()) && Objects.equals(message, old.getMessage())) return volume;
        PersistentVolume copy = new PersistentVolumeBuilder(volume).editOrNewStatus().withPhase(phase).withMessage(message)
            .withLastPhaseTransitionTime(phase.equals(old.getPhase()) ? old.getLastPhaseTransitionTime() : java.time.Instant.now()
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()).endStatus().build();
        return volumes.remember(client.persistentVolumes().resource(copy).updateStatus());
    }

    /**
     * Undoes the volume's side of a binding: a claimRef the binder set is removed (with the bound-by-controller
     * annotation); a claimRef the user set keeps its name but loses its uid (so it is pre-bound again). Then Available.
     */
    PersistentVolume unbindVolume(PersistentVolume volume) {
        PersistentVolume copy = new PersistentVolumeBuilder(volume).build();
        Map<String, String> ann = copy.getMetadata().getAnnotations();
        if (VolumeAnnotations.YES.equals(VolumeMatcher.annotation(ann, VolumeAnnotations.BOUND_BY_CONTROLLER))) {
            copy.getSpec().setClaimRef(null);
            Map<String, String> a = new LinkedHashMap<>(ann);
            a.remove(VolumeAnnotations.BOUND_BY_CONTROLLER);
            copy.getMetadata().setAnnotations(a);
        } else if (copy.getSpec().getClaimRef() != null) {
            copy.getSpec().getClaimRef().setUid(null);
            copy.getSpec().getClaimRef().setResourceVersion(null);
        }
        PersistentVolume written = volumes.remember(client.persistentVolumes().resource(copy).update());
        return volumePhase(written, "Available", null);
    }

    /** Sets annotations on the claim (those whose value is already right are skipped). */
    PersistentVolumeClaim annotateClaim(PersistentVolumeClaim claim, Map<String, String> annotations) {
        Map<String, String> old = claim.getMetadata().getAnnotations() == null ? Map.of() : claim.getMetadata().getAnnotations();
        if (annotations.entrySet().stream().allMatch(e -> e.getValue().equals(old.get(e.getKey())))) return claim;
        PersistentVolumeClaim copy = new PersistentVolumeClaimBuilder(claim).build();
        Map<String, String> a = new LinkedHashMap<>(old);
        a.putAll(annotations);
        copy.getMetadata().setAnnotations(a);
        return claims.remember(client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).resource(copy).update());
    }

    private static Map<String, String> with(Map<String, String> annotations, String key, String value) {
        Map<String, String> a = annotations == null ? new LinkedHashMap<>() : new LinkedHashMap<>(annotations);
        a.put(key, value);
        return a;
    }
}
