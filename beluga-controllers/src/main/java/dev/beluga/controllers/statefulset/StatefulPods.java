package dev.beluga.controllers.statefulset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import dev.beluga.controllers.runtime.Owners;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stable identity of a StatefulSet's pods (upstream {@code stateful_set_utils.go}): pod {@code <set>-<ordinal>}
 * with hostname = its name and subdomain = the set's {@code serviceName}; the labels
 * {@code statefulset.kubernetes.io/pod-name}, {@code apps.kubernetes.io/pod-index} and
 * {@code controller-revision-hash} (the revision's name); one claim {@code <template>-<set>-<ordinal>} per
 * volumeClaimTemplate, mounted in place of a pod volume of the same name. Stateless.
 */
final class StatefulPods {
    static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
    static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
    static final String REVISION_LABEL = "controller-revision-hash";

    private StatefulPods() {
    }

    static String podName(StatefulSet set, int ordinal) {
        return set.getMetadata().getName() + "-" + ordinal;
    }

    /** The ordinal of a pod of {@code set}, or -1 when the name is not {@code <set>-<digits>}. */
    static int ordinal(StatefulSet set, Pod pod) {
        String prefix = set.getMetadata().getName() + "-";
        String name = pod.getMetadata().getName();
        if (!name.startsWith(prefix) || name.length() == prefix.length()) return -1;
        String digits = name.substring(prefix.length());
        if (digits.length() > 9 || !digits.chars().allMatch(Character::isDigit) || (digits.length() > 1 && digits.startsWith("0"))) return -1;
        return Integer.parseInt(digits);
    }

    static String revision(Pod pod) {
        return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(REVISION_LABEL);
    }

    static String claimName(PersistentVolumeClaim template, StatefulSet set, int ordinal) {
        return template.getMetadata().getName() + "-" + podName(set, ordinal);
    }

    /** The pod for {@code ordinal} from a revision's template (not yet created). */
    static Pod newPod(StatefulSet set, PodTemplateSpec template, String revisionName, int ordinal) {
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        String name = podName(set, ordinal);
        Map<String, String> labels = new HashMap<>(tm.getLabels() == null ? Map.of() : tm.getLabels());
        labels.put(POD_NAME_LABEL, name);
        labels.put(POD_INDEX_LABEL, Integer.toString(ordinal));
        labels.put(REVISION_LABEL, revisionName);
        PodSpec spec = new PodSpecBuilder(template.getSpec()).build();
        spec.setHostname(name);
        if (set.getSpec().getServiceName() != null && !set.getSpec().getServiceName().isEmpty()) spec.setSubdomain(set.getSpec().getServiceName());
        List<Volume> volumes = new ArrayList<>(spec.getVolumes() == null ? List.of() : spec.getVolumes());
        for (PersistentVolumeClaim t : claimTemplates(set)) {
            String volume = t.getMetadata().getName();
            volumes.removeIf(v -> volume.equals(v.getName()));
            volumes.add(new VolumeBuilder().withName(volume).withNewPersistentVolumeClaim().withClaimName(claimName(t, set, ordinal))
                .endPersistentVolumeClaim().build());
        }
        spec.setVolumes(volumes.isEmpty() ? null : volumes);
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(set.getMetadata().getNamespace()).withLabels(labels)
            .withAnnotations(tm.getAnnotations() == null ? null : new HashMap<>(tm.getAnnotations())).withFinalizers(tm.getFinalizers())
            .withOwnerReferences(Owners.controllerRef(set)).endMetadata().withSpec(spec).build();
    }

    static List<PersistentVolumeClaim> claimTemplates(StatefulSet set) {
        return set.getSpec().getVolumeClaimTemplates() == null ? List.of() : set.getSpec().getVolumeClaimTemplates();
    }

    /**
     * The claim of one template for one ordinal: the template's spec, the set's selector labels plus the template's,
     * owned by the set when {@code persistentVolumeClaimRetentionPolicy.whenDeleted} is Delete.
     */
    static PersistentVolumeClaim newClaim(StatefulSet set, PersistentVolumeClaim template, int ordinal) {
        Map<String, String> labels = new HashMap<>();
        if (set.getSpec().getSelector() != null && set.getSpec().getSelector().getMatchLabels() != null)
            labels.putAll(set.getSpec().getSelector().getMatchLabels());
        if (template.getMetadata().getLabels() != null) labels.putAll(template.getMetadata().getLabels());
        List<OwnerReference> owners = new ArrayList<>();
        if ("Delete".equals(retention(set, true))) owners.add(Owners.controllerRef(set));
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(claimName(template, set, ordinal))
            .withNamespace(set.getMetadata().getNamespace()).withLabels(labels)
            .withAnnotations(template.getMetadata().getAnnotations()).withOwnerReferences(owners.isEmpty() ? null : owners).endMetadata()
            .withSpec(template.getSpec()).build();
    }

    /** {@code whenDeleted} (or {@code whenScaled}) of the claim retention policy; Retain by default. */
    static String retention(StatefulSet set, boolean whenDeleted) {
        var p = set.getSpec().getPersistentVolumeClaimRetentionPolicy();
        String v = p == null ? null : whenDeleted ? p.getWhenDeleted() : p.getWhenScaled();
        return v == null ? "Retain" : v;
    }

    /** A non-controller owner reference (the condemned pod owning its claims when {@code whenScaled} is Delete). */
    static OwnerReference ownerRef(HasMetadata owner) {
        OwnerReference r = Owners.controllerRef(owner);
        r.setController(false);
        r.setBlockOwnerDeletion(false);
        return r;
    }
}
