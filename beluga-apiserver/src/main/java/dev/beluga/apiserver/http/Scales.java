package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.ResourceType;

import java.util.List;

/** The {@code scale} subresource: the autoscaling/v1 Scale view of a workload's replicas. */
final class Scales {
    private Scales() {
    }

    static ObjectNode toScale(ResourceType type, ObjectNode obj) {
        ObjectNode s = Json.object().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
        ObjectNode m = s.putObject("metadata");
        JsonNode om = obj.path("metadata");
        for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp"))
            if (om.has(f)) m.set(f, om.get(f));
        s.putObject("spec").put("replicas", obj.path("spec").path("replicas").asInt(1));
        ObjectNode st = s.putObject("status").put("replicas", obj.path("status").path("replicas").asInt(0));
        String selector = dev.beluga.apiserver.Selectors.formatOrNull(obj.path("spec").path("selector"));
        if (selector != null) st.put("selector", selector);
        return s;
    }

    static ObjectNode applyReplicas(ObjectNode live, JsonNode replicas, String resourceVersion) {
        if (replicas == null || !replicas.canConvertToInt() || replicas.asInt() < 0)
            throw StatusException.invalid("autoscaling", "Scale", live.path("metadata").path("name").asText(),
                List.of(new StatusException.Cause("FieldValueInvalid", "Invalid value: " + replicas + ": must be greater than or equal to 0", "spec.replicas")));
        Json.with(live, "spec").put("replicas", replicas.asInt());
        if (resourceVersion != null && !resourceVersion.isEmpty()) Json.with(live, "metadata").put("resourceVersion", resourceVersion);
        return live;
    }
}
