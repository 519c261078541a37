package dev.beluga.controllers.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The namespace controller (upstream {@code pkg/controller/namespace}): when a namespace is being deleted (phase
 * Terminating, the {@code kubernetes} finalizer still in {@code spec.finalizers}), it deletes every namespaced
 * object in it — by collection, for every resource type discovery lists — and, once nothing is left, removes the
 * {@code kubernetes} finalizer through {@code namespaces/{name}/finalize} so that the API server deletes the
 * namespace. While objects remain (pods terminating gracefully, objects with finalizers) it looks again every
 * two seconds.
 */
public final class NamespaceController implements Controller {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration RECHECK = Duration.ofSeconds(2);

    private ControllerContext ctx;
    private WorkQueue<String> queue;

    @Override
    public String name() {
        return "namespace-controller";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        ctx.informers().informer(Namespace.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                if (ns.getMetadata().getDeletionTimestamp() != null) queue.add(ns.getMetadata().getName());
            }

            @Override
            public void onUpdate(Namespace o, Namespace ns) {
                onAdd(ns);
            }

            @Override
            public void onDelete(Namespace ns, boolean unknown) {
            }
        });
    }

    @Override
    public void reconcile(String name) throws Exception {
        Namespace ns = ctx.informers().get(Namespace.class, null, name);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() == null) return;
        List<String> finalizers = ns.getSpec() == null || ns.getSpec().getFinalizers() == null ? List.of() : ns.getSpec().getFinalizers();
        if (!finalizers.contains("kubernetes")) return;
        List<String> remaining = new ArrayList<>();
        for (NamespacedResources.Resource r : NamespacedResources.discover(ctx.client())) {
            String path = r.collection(name);
            String list = ctx.client().raw(path + "?limit=1");
            if (list == null) continue;
            JsonNode items = JSON.readTree(list).path("items");
            if (items.isEmpty()) continue;
            ctx.client().raw(path, "DELETE", null);
            String after = ctx.client().raw(path + "?limit=1");
            if (after != null && !JSON.readTree(after).path("items").isEmpty()) remaining.add(r.plural());
        }
        if (!remaining.isEmpty()) {
            queue.addAfter(name, RECHECK);
            return;
        }
        ObjectNode body = JSON.valueToTree(ns);
        ArrayNode kept = JSON.createArrayNode();
        for (String f : finalizers) if (!"kubernetes".equals(f)) kept.add(f);
        ((ObjectNode) body.with("spec")).set("finalizers", kept);
        ctx.client().raw("/api/v1/namespaces/" + name + "/finalize", "PUT", body);
    }
}
