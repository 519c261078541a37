package dev.beluga.apiserver.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.apiserver.StatusException;

import java.util.ArrayList;
import java.util.List;

/**
 * Which container of a pod a connect request means (upstream {@code validateContainer} in the pod strategy): the one
 * named, which must exist among the init, regular and ephemeral containers; or, when none is named, the only regular
 * container. Stateless.
 */
final class PodContainers {
    private PodContainers() {
    }

    /**
     * The container to use.
     *
     * @param pod       the pod object
     * @param requested the {@code container} parameter; empty or null for none
     * @throws StatusException 400 {@code a container name must be specified for pod <pod>[, choose one of: [...]]} or
     *                         {@code container <c> is not valid for pod <pod>}
     */
    static String choose(JsonNode pod, String requested) {
        String podName = pod.path("metadata").path("name").asText();
        JsonNode spec = pod.path("spec");
        List<String> regular = names(spec.path("containers"));
        if (requested == null || requested.isEmpty()) {
            if (regular.size() == 1) return regular.getFirst();
            if (regular.isEmpty()) throw StatusException.badRequest("a container name must be specified for pod " + podName);
            throw StatusException.badRequest("a container name must be specified for pod " + podName + ", choose one of: "
                + "[" + String.join(" ", all(spec)) + "]");
        }
        if (!all(spec).contains(requested)) throw StatusException.badRequest("container " + requested + " is not valid for pod " + podName);
        return requested;
    }

    /** Init containers, containers, ephemeral containers: upstream's {@code VisitContainers} order. */
    private static List<String> all(JsonNode spec) {
        List<String> all = new ArrayList<>(names(spec.path("initContainers")));
        all.addAll(names(spec.path("containers")));
        all.addAll(names(spec.path("ephemeralContainers")));
        return all;
    }

    private static List<String> names(JsonNode containers) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : containers) out.add(c.path("name").asText());
        return out;
    }
}
