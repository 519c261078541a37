package dev.beluga.controllers.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.ArrayList;
import java.util.List;

/**
 * The namespaced resources the server offers that can be listed and deleted by collection, from API discovery
 * ({@code /api/v1} and the preferred version of every group under {@code /apis}), as the namespace controller's
 * discovery-driven deleter uses them. Read fresh on each call (a new resource type is seen at once).
 */
final class NamespacedResources {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One resource: its URL path prefix ({@code /api/v1} or {@code /apis/g/v}) and plural name. */
    record Resource(String groupVersionPath, String plural) {
        String collection(String namespace) {
            return groupVersionPath + "/namespaces/" + namespace + "/" + plural;
        }
    }

    private NamespacedResources() {
    }

    static List<Resource> discover(KubernetesClient client) throws Exception {
        List<Resource> out = new ArrayList<>();
        add(client, "/api/v1", out);
        JsonNode groups = JSON.readTree(client.raw("/apis"));
        for (JsonNode g : groups.path("groups")) {
            String gv = g.path("preferredVersion").path("groupVersion").asText(null);
            if (gv != null) add(client, "/apis/" + gv, out);
        }
        return out;
    }

    private static void add(KubernetesClient client, String path, List<Resource> out) throws Exception {
        String body = client.raw(path);
        if (body == null) return;
        for (JsonNode r : JSON.readTree(body).path("resources")) {
            String name = r.path("name").asText();
            if (name.contains("/") || !r.path("namespaced").asBoolean()) continue;
            boolean list = false;
            boolean deleteCollection = false;
            for (JsonNode v : r.path("verbs")) {
                list |= "list".equals(v.asText());
                deleteCollection |= "deletecollection".equals(v.asText());
            }
            if (list && deleteCollection) out.add(new Resource(path, name));
        }
    }
}
