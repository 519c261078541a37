package dev.beluga.apiserver.authz.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.Admission;
import dev.beluga.apiserver.registry.WriteOptions;

/**
 * The part of upstream's NodeRestriction admission plugin that needs the object's body, for writes by nodes
 * ({@link NodeIdentity}); the parts that only need the object's name are in {@link NodeAuthorizer}.
 *
 * <ul>
 *   <li>pods (create): only mirror pods (annotation {@value #MIRROR}) bound to the node itself, owned by nothing but
 *       that Node, referring to no Secret, ConfigMap, claim or ServiceAccount;</li>
 *   <li>nodes (create, update): only the node itself;</li>
 *   <li>leases (create): only the node's own lease.</li>
 * </ul>
 * Refusals are 403 Forbidden with upstream's messages. Left out: NodeRestriction's label restrictions
 * ({@code node-restriction.kubernetes.io/} and the kubelet label allow-list) and taint checks. Thread-safe.
 */
public final class NodeRestriction implements Admission {
    public static final String MIRROR = "kubernetes.io/config.mirror";

    private final String plural;

    /** @param plural pods, nodes or leases */
    public NodeRestriction(String plural) {
        this.plural = plural;
    }

    @Override
    public void admit(Operation op, ObjectNode obj, ObjectNode old, WriteOptions w) {
        String node = NodeIdentity.nodeName(w.user());
        if (node == null) return;
        String name = obj.path("metadata").path("name").asText("");
        switch (plural) {
            case "pods" -> {
                if (op != Operation.CREATE) return;
                if (!obj.path("metadata").path("annotations").has(MIRROR))
                    throw forbidden("", name, "pod does not have \"" + MIRROR + "\" annotation, node \"" + node + "\" can only create mirror pods");
                if (!node.equals(obj.path("spec").path("nodeName").asText("")))
                    throw forbidden("", name, "node \"" + node + "\" can only create pods with spec.nodeName set to itself");
                for (JsonNode ref : obj.path("metadata").path("ownerReferences")) {
                    if (!ref.path("kind").asText().equals("Node") || !ref.path("name").asText().equals(node))
                        throw forbidden("", name, "node \"" + node + "\" can only create pods with an owner reference set to itself");
                }
                for (PodReferences.Ref r : PodReferences.of(obj)) {
                    String what = switch (r.kind()) {
                        case "secrets" -> "secrets";
                        case "configmaps" -> "configmaps";
                        case "persistentvolumeclaims" -> "persistentvolumeclaims";
                        default -> "serviceaccounts";
                    };
                    throw forbidden("", name, "node \"" + node + "\" can not create pods that reference " + what);
                }
            }
            case "nodes" -> {
                if (!name.equals(node)) throw forbidden("", name, "node \"" + node + "\" is not allowed to modify node \"" + name + "\"");
            }
            case "leases" -> {
                if (op == Operation.CREATE && !name.equals(node))
                    throw forbidden("coordination.k8s.io", name, "can only access node lease with the same name as the requesting node");
            }
            default -> { }
        }
    }

    private StatusException forbidden(String group, String name, String why) {
        String qualified = group.isEmpty() ? plural : plural + "." + group;
        return new StatusException(403, "Forbidden", qualified + " \"" + name + "\" is forbidden: " + why, group, plural, name, null, null);
    }
}
