package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.DeleteOptions;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.ResourceType;
import dev.beluga.apiserver.registry.WriteOptions;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * {@code pods/binding} (the scheduler's way to assign a node: sets spec.nodeName once and the PodScheduled condition)
 * and {@code pods/eviction} (a policy/v1 Eviction deletes the pod if its PodDisruptionBudget allows, see
 * {@link DisruptionBudgetGate}; the budget is charged before the pod is deleted).
 */
public final class PodSubresources implements ApiHandler.SubresourceHandler {
    private final RegistryStore pods;
    private final DisruptionBudgetGate budgets;

    public PodSubresources(ResourceRegistry registry) {
        this.pods = registry.get("", "v1", "pods");
        this.budgets = new DisruptionBudgetGate(registry);
    }

    @Override
    public boolean handle(Exchange ex, ResourceType type, String namespace, String name, String subresource) throws Exception {
        if (!type.plural().equals("pods") || !type.group().isEmpty()) return false;
        switch (subresource) {
            case "binding" -> binding(ex, namespace, name);
            case "eviction" -> eviction(ex, namespace, name);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void binding(Exchange ex, String namespace, String name) {
        if (!ex.method().equals("POST")) throw StatusException.methodNotAllowed("only POST is allowed on pods/binding");
        ObjectNode binding = Bodies.object(ex, null);
        JsonNode target = binding.path("target");
        String node = target.path("name").asText("");
        if (node.isEmpty())
            throw StatusException.invalid("", "Binding", name, java.util.List.of(new StatusException.Cause("FieldValueRequired", "Required value", "target.name")));
        if (!target.path("kind").asText("Node").equals("Node"))
            throw StatusException.invalid("", "Binding", name, java.util.List.of(new StatusException.Cause("FieldValueNotSupported",
                "Unsupported value: \"" + target.path("kind").asText() + "\": supported values: \"Node\"", "target.kind")));
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        pods.update(namespace, name, pod -> {
            String current = pod.path("spec").path("nodeName").asText("");
            if (pod.path("metadata").hasNonNull("deletionTimestamp"))
                throw StatusException.conflict("", "pods", name, "pod " + name + " is being deleted, cannot be assigned to a host");
            if (!current.isEmpty())
                throw StatusException.conflict("", "pods/binding", name, "pod " + name + " is already assigned to node \"" + current + "\"");
            String uid = binding.path("metadata").path("uid").asText("");
            if (!uid.isEmpty() && !uid.equals(pod.path("metadata").path("uid").asText()))
                throw StatusException.conflict("", "pods", name, "the UID in the binding does not match the pod");
            Json.with(pod, "spec").put("nodeName", node);
            ObjectNode status = Json.with(pod, "status");
            ArrayNode conditions = status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
            for (int i = conditions.size() - 1; i >= 0; i--) if ("PodScheduled".equals(conditions.get(i).path("type").asText())) conditions.remove(i);
            conditions.addObject().put("type", "PodScheduled").put("status", "True").putNull("lastProbeTime").put("lastTransitionTime", now);
            return pod;
        }, new WriteOptions(false, "beluga-binding", "Ignore", "binding"));
        ex.sendJson(201, success());
    }

    private void eviction(Exchange ex, String namespace, String name) {
        if (!ex.method().equals("POST")) throw StatusException.methodNotAllowed("only POST is allowed on pods/eviction");
        ObjectNode eviction = Bodies.object(ex, null);
        JsonNode opts = eviction.path("deleteOptions");
        Long grace = opts.hasNonNull("gracePeriodSeconds") ? opts.get("gracePeriodSeconds").asLong() : null;
        boolean dry = (opts.path("dryRun").isArray() && !opts.path("dryRun").isEmpty()) || !ex.queryAll("dryRun").isEmpty();
        String uid = opts.path("preconditions").path("uid").asText(null);
        String rv = opts.path("preconditions").path("resourceVersion").asText(null);
        ObjectNode pod = pods.get(namespace, name, null);
        if (uid != null && !uid.equals(pod.path("metadata").path("uid").asText()))
            throw StatusException.conflict("", "pods", name, "Precondition failed: UID in precondition: " + uid
                + ", UID in object meta: " + pod.path("metadata").path("uid").asText());
        DisruptionBudgetGate.Admission admission = budgets.admit(pod, dry);
        // a pod deleted without spending its budget must still be the pod that was checked
        if (admission == DisruptionBudgetGate.Admission.UNLESS_CHANGED && (rv == null || rv.isEmpty()))
            rv = pod.path("metadata").path("resourceVersion").asText(null);
        pods.delete(namespace, name, new DeleteOptions(grace, null, uid, rv, dry));
        ex.sendJson(201, success());
    }

    private static ObjectNode success() {
        ObjectNode s = Json.object().put("kind", "Status").put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Success").put("code", 201);
        return s;
    }
}
