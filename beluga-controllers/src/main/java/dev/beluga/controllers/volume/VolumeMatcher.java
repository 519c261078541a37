package dev.beluga.controllers.volume;

import dev.beluga.controllers.runtime.Selectors;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The rules deciding which PersistentVolume may serve which claim (upstream {@code findMatchingVolume} and
 * {@code checkVolumeSatisfyClaim}). Pure functions over the objects given; thread-safe.
 *
 * <p>A volume fits an unbound claim when it is not being deleted, its access modes include the claim's, its
 * capacity is at least the request, its volumeMode equals the claim's, and either it is pre-bound to the claim
 * (claimRef naming the claim, without uid or with the claim's) — which wins outright — or it is Available, has no
 * claimRef, matches the claim's selector and has the claim's class. Among the rest, the one with the fewest access
 * modes and then the smallest capacity wins (upstream searches access-mode sets from the smallest up and takes the
 * smallest volume of the first set with a fit); ties go to the name, for determinism.
 */
public final class VolumeMatcher {
    private VolumeMatcher() {
    }

    /** The claim's class: the legacy annotation, else spec.storageClassName, else "" (no class). */
    public static String claimClass(PersistentVolumeClaim c) {
        String beta = annotation(c.getMetadata().getAnnotations(), VolumeAnnotations.BETA_STORAGE_CLASS);
        if (beta != null) return beta;
        String s = c.getSpec() == null ? null : c.getSpec().getStorageClassName();
        return s == null ? "" : s;
    }

    /** The volume's class, as {@link #claimClass}. */
    public static String volumeClass(PersistentVolume v) {
        String beta = annotation(v.getMetadata().getAnnotations(), VolumeAnnotations.BETA_STORAGE_CLASS);
        if (beta != null) return beta;
        String s = v.getSpec() == null ? null : v.getSpec().getStorageClassName();
        return s == null ? "" : s;
    }

    /** Whether the volume's claimRef names the claim (namespace and name, and uid when the claimRef has one). */
    public static boolean isBoundToClaim(PersistentVolume v, PersistentVolumeClaim c) {
        ObjectReference ref = v.getSpec() == null ? null : v.getSpec().getClaimRef();
        if (ref == null) return false;
        if (!c.getMetadata().getName().equals(ref.getName()) || !c.getMetadata().getNamespace().equals(ref.getNamespace())) return false;
        return ref.getUid() == null || ref.getUid().isEmpty() || ref.getUid().equals(c.getMetadata().getUid());
    }

    public static BigDecimal capacity(PersistentVolume v) {
        Map<String, Quantity> cap = v.getSpec() == null ? null : v.getSpec().getCapacity();
        return amount(cap == null ? null : cap.get("storage"));
    }

    public static BigDecimal request(PersistentVolumeClaim c) {
        var r = c.getSpec() == null ? null : c.getSpec().getResources();
        return amount(r == null || r.getRequests() == null ? null : r.getRequests().get("storage"));
    }

    private static BigDecimal amount(Quantity q) {
        return q == null ? BigDecimal.ZERO : q.getNumericalAmount();
    }

    static String volumeMode(String mode) {
        return mode == null || mode.isEmpty() ? "Filesystem" : mode;
    }

    static boolean volumeModeMismatch(PersistentVolumeClaim c, PersistentVolume v) {
        return !volumeMode(c.getSpec().getVolumeMode()).equals(volumeMode(v.getSpec().getVolumeMode()));
    }

    static List<String> accessModes(List<String> modes) {
        return modes == null ? List.of() : modes;
    }

    /** Whether the volume offers every access mode the claim asks for. */
    static boolean offersAccessModes(PersistentVolume v, PersistentVolumeClaim c) {
        return accessModes(v.getSpec().getAccessModes()).containsAll(accessModes(c.getSpec().getAccessModes()));
    }

    static boolean selectorMatches(PersistentVolumeClaim c, PersistentVolume v) {
        var sel = c.getSpec().getSelector();
        if (sel == null) return true;
        Map<String, String> labels = v.getMetadata().getLabels() == null ? Map.of() : v.getMetadata().getLabels();
        return Selectors.of(sel).matches(labels);
    }

    /**
     * The best volume for an unbound claim, or null.
     *
     * @param node         the node selected for a WaitForFirstConsumer claim (volumes must fit it), or null
     * @param delayBinding whether the claim's class is WaitForFirstConsumer: without a node only pre-bound
     *                     volumes are considered then, as upstream (the scheduler chooses the others)
     */
    public static PersistentVolume findBestMatch(PersistentVolumeClaim claim, Collection<PersistentVolume> volumes, Node node,
                                                 boolean delayBinding) {
        BigDecimal request = request(claim);
        String cls = claimClass(claim);
        PersistentVolume best = null;
        Comparator<PersistentVolume> order = Comparator.<PersistentVolume>comparingInt(v -> accessModes(v.getSpec().getAccessModes()).size())
            .thenComparing(VolumeMatcher::capacity).thenComparing(v -> v.getMetadata().getName());
        for (PersistentVolume v : volumes) {
            if (v.getSpec() == null || v.getMetadata().getDeletionTimestamp() != null) continue;
            if (!offersAccessModes(v, claim) || capacity(v).compareTo(request) < 0 || volumeModeMismatch(claim, v)) continue;
            boolean fitsNode = node == null || NodeAffinities.matches(v, node);
            if (isBoundToClaim(v, claim)) return fitsNode ? v : null;
            if (node == null && delayBinding) continue;
            if (v.getSpec().getClaimRef() != null || v.getStatus() == null || !"Available".equals(v.getStatus().getPhase())) continue;
            if (!selectorMatches(claim, v) || !cls.equals(volumeClass(v)) || !fitsNode) continue;
            if (best == null || order.compare(v, best) < 0) best = v;
        }
        return best;
    }

    /**
     * Why a volume named by the claim's spec.volumeName cannot serve it, or null when it can (upstream
     * {@code checkVolumeSatisfyClaim}: capacity, class and volumeMode; not access modes or selector).
     */
    public static String mismatch(PersistentVolume v, PersistentVolumeClaim c) {
        if (capacity(v).compareTo(request(c)) < 0) return "requested PV is too small";
        if (!claimClass(c).equals(volumeClass(v))) return "storageClassName does not match";
        if (volumeModeMismatch(c, v)) return "incompatible volumeMode";
        return null;
    }

    static String annotation(Map<String, String> annotations, String key) {
        return annotations == null ? null : annotations.get(key);
    }
}
