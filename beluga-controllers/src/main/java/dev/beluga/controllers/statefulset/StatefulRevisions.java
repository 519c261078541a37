package dev.beluga.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.controllers.runtime.Owners;
import dev.beluga.controllers.runtime.TemplateHash;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ControllerRevisions of a StatefulSet (upstream {@code history} helpers as the StatefulSet controller uses them):
 * one revision per distinct pod template, named {@code <set>-<hash>}, its data the strategic-merge patch
 * {@code {"spec":{"template":{..., "$patch":"replace"}}}} that {@code kubectl rollout undo} applies. Returning to an
 * older template (a rollback) reuses that template's revision and gives it the next revision number, so
 * {@code kubectl rollout history} lists it last. Stateless; every write is one API call, safe to repeat.
 */
final class StatefulRevisions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatefulRevisions() {
    }

    static String name(StatefulSet set) {
        int collisions = set.getStatus() == null || set.getStatus().getCollisionCount() == null ? 0 : set.getStatus().getCollisionCount();
        return set.getMetadata().getName() + "-" + TemplateHash.of(set.getSpec().getTemplate(), collisions);
    }

    /** The set's revisions (from the cache), oldest first. */
    static List<ControllerRevision> owned(List<ControllerRevision> inNamespace, StatefulSet set) {
        return inNamespace.stream().filter(r -> Owners.isControlledBy(r, set))
            .sorted(Comparator.comparingLong(ControllerRevision::getRevision)).toList();
    }

    /**
     * The revision of the set's current template, created or renumbered as needed.
     *
     * @param owned the set's revisions, oldest first
     */
    static ControllerRevision ensureUpdateRevision(KubernetesClient client, StatefulSet set, List<ControllerRevision> owned) {
        String name = name(set);
        String ns = set.getMetadata().getNamespace();
        long max = owned.isEmpty() ? 0 : owned.getLast().getRevision();
        ControllerRevision existing = owned.stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst().orElse(null);
        if (existing != null) {
            if (existing.getRevision() == max) return existing;
            ControllerRevision bumped = new ControllerRevisionBuilder(existing).withRevision(max + 1).build();
            return client.apps().controllerRevisions().inNamespace(ns).resource(bumped).update();
        }
        Map<String, String> labels = new HashMap<>(set.getSpec().getTemplate().getMetadata() == null
            || set.getSpec().getTemplate().getMetadata().getLabels() == null ? Map.of() : set.getSpec().getTemplate().getMetadata().getLabels());
        labels.put(StatefulPods.REVISION_LABEL, name);
        ControllerRevision revision = new ControllerRevisionBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels)
            .withOwnerReferences(Owners.controllerRef(set)).endMetadata()
            .withRevision(max + 1).withData(data(set.getSpec().getTemplate())).build();
        try {
            return client.apps().controllerRevisions().inNamespace(ns).resource(revision).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) throw e;
            ControllerRevision found = client.apps().controllerRevisions().inNamespace(ns).withName(name).get();
            if (found == null) throw e;
            return found;
        }
    }

    static ObjectNode data(PodTemplateSpec template) {
        ObjectNode data = JSON.createObjectNode();
        ObjectNode t = JSON.valueToTree(template);
        t.put("$patch", "replace");
        data.putObject("spec").set("template", t);
        return data;
    }

    /** The pod template a revision records. */
    static PodTemplateSpec template(ControllerRevision revision) {
        JsonNode t = JSON.valueToTree(revision.getData()).path("spec").path("template");
        if (!(t instanceof ObjectNode o)) throw new IllegalStateException("revision " + revision.getMetadata().getName() + " has no template");
        ObjectNode copy = o.deepCopy();
        copy.remove("$patch");
        return JSON.convertValue(copy, PodTemplateSpec.class);
    }

    /**
     * Deletes the oldest revisions beyond {@code revisionHistoryLimit}, never one in {@code live} (the current and
     * update revisions and those of existing pods).
     */
    static void truncateHistory(KubernetesClient client, StatefulSet set, List<ControllerRevision> owned, Set<String> live) {
        int limit = set.getSpec().getRevisionHistoryLimit() == null ? 10 : set.getSpec().getRevisionHistoryLimit();
        List<ControllerRevision> history = owned.stream().filter(r -> !live.contains(r.getMetadata().getName())).toList();
        for (int i = 0; i < history.size() - limit; i++) {
            try {
                client.apps().controllerRevisions().inNamespace(set.getMetadata().getNamespace())
                    .withName(history.get(i).getMetadata().getName()).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) throw e;
            }
        }
    }
}
