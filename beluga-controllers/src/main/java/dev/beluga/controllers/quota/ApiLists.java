package dev.beluga.controllers.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * LISTs of any namespaced resource by group and plural through the API (the group's preferred version, from
 * discovery), for quota counts of types the controller manager does not watch. Stateless and thread-safe.
 */
final class ApiLists {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiLists() {
    }

    /**
     * Where {@code plural} in {@code group} is served (the group's preferred version, from discovery), for a generic
     * informer; null when the server does not serve the group.
     */
    static io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext context(KubernetesClient client, String group, String plural) {
        String version = "v1";
        if (!group.isEmpty()) {
            APIGroup g = client.getApiGroup(group);
            if (g == null || g.getPreferredVersion() == null) return null;
            version = g.getPreferredVersion().getVersion();
        }
        return new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
            .withGroup(group).withVersion(version).withPlural(plural).withNamespaced(true).build();
    }

    /** The objects of {@code plural} in {@code group} in {@code namespace}; empty when the server does not serve it. */
    static List<JsonNode> list(KubernetesClient client, String group, String plural, String namespace) {
        String path;
        if (group.isEmpty()) {
            path = "/api/v1/namespaces/" + namespace + "/" + plural;
        } else {
            APIGroup g = client.getApiGroup(group);
            if (g == null || g.getPreferredVersion() == null) return List.of();
            path = "/apis/" + g.getPreferredVersion().getGroupVersion() + "/namespaces/" + namespace + "/" + plural;
        }
        String body;
        try {
            body = client.raw(path);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return List.of();
            throw e;
        }
        if (body == null) return List.of();
        try {
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode item : JSON.readTree(body).path("items")) out.add(item);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
