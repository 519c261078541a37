package dev.beluga.controllers.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.labels.LabelSelector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Adoption and release of dependents by a controller (upstream's {@code ControllerRefManager}): an orphan (no
 * controller reference) that matches the owner's selector is adopted — a controller reference added by a merge patch
 * guarded by its resourceVersion — and an owned object that no longer matches is released; an owner being deleted
 * adopts nothing. Each patch is one API call; a 404 or 409 means the object changed and the next sync looks again.
 * Stateless and thread-safe.
 */
public final class Claims {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Claims() {
    }

    /**
     * @param candidates objects of the owner's namespace (from a cache)
     * @param adoptable  which matching orphans may be adopted (e.g. only active pods)
     * @return the objects the owner controls after claiming
     */
    public static <T extends HasMetadata> List<T> claim(KubernetesClient client, List<T> candidates, HasMetadata owner,
                                                        LabelSelector selector, Predicate<T> adoptable) {
        List<T> claimed = new ArrayList<>();
        boolean deleting = owner.getMetadata().getDeletionTimestamp() != null;
        for (T o : candidates) {
            Map<String, String> labels = o.getMetadata().getLabels() == null ? Map.of() : o.getMetadata().getLabels();
            OwnerReference ref = Owners.controllerOf(o);
            boolean matches = selector.matches(labels);
            if (ref != null) {
                if (!ref.getUid().equals(owner.getMetadata().getUid())) continue;
                if (matches || deleting) claimed.add(o);
                else if (o.getMetadata().getDeletionTimestamp() == null) release(client, o, owner);
            } else if (matches && !deleting && o.getMetadata().getDeletionTimestamp() == null && adoptable.test(o)) {
                if (adopt(client, o, owner)) claimed.add(o);
            }
        }
        return claimed;
    }

    private static boolean adopt(KubernetesClient client, HasMetadata o, HasMetadata owner) {
        ArrayNode refs = JSON.createArrayNode();
        if (o.getMetadata().getOwnerReferences() != null)
            for (OwnerReference r : o.getMetadata().getOwnerReferences()) refs.add(JSON.valueToTree(r));
        refs.add(JSON.valueToTree(Owners.controllerRef(owner)));
        return patchOwners(client, o, refs);
    }

    private static void release(KubernetesClient client, HasMetadata o, HasMetadata owner) {
        ArrayNode refs = JSON.createArrayNode();
        for (OwnerReference r : o.getMetadata().getOwnerReferences())
            if (!r.getUid().equals(owner.getMetadata().getUid())) refs.add(JSON.valueToTree(r));
        patchOwners(client, o, refs);
    }

    private static boolean patchOwners(KubernetesClient client, HasMetadata o, ArrayNode refs) {
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode meta = patch.putObject("metadata");
        meta.put("resourceVersion", o.getMetadata().getResourceVersion());
        if (refs.isEmpty()) meta.putNull("ownerReferences");
        else meta.set("ownerReferences", refs);
        try {
            client.resource(o).patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || e.getCode() == 409) return false;
            throw e;
        }
    }
}
