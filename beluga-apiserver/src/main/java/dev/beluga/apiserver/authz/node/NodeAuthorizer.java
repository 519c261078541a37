package dev.beluga.apiserver.authz.node;

import dev.beluga.apiserver.auth.UserInfo;
import dev.beluga.apiserver.authz.Attributes;
import dev.beluga.apiserver.authz.Authorizer;
import dev.beluga.apiserver.authz.Decision;
import dev.beluga.apiserver.authz.rbac.BootstrapPolicy;
import dev.beluga.apiserver.authz.rbac.PolicyRule;

import java.util.List;
import java.util.Set;

/**
 * The Node authorizer (upstream's {@code plugin/pkg/auth/authorizer/node}): what a node ({@link NodeIdentity}) may do,
 * from the {@link NodeGraph} of pods bound to it and the rules of {@code system:node}. Users that are not nodes get no
 * opinion.
 *
 * <ul>
 *   <li>Secrets, ConfigMaps: get, and list/watch of one object (field selector {@code metadata.name}), only when a pod
 *       of the node refers to it; PersistentVolumeClaims and PersistentVolumes: get, likewise; ServiceAccounts: get and
 *       {@code serviceaccounts/token} create for the ServiceAccounts of its pods;</li>
 *   <li>Leases: get/create/update/patch/delete in {@code kube-node-lease}, named as the node (create: by
 *       {@link NodeRestriction});</li>
 *   <li>Nodes: update/patch of the node itself and of its status (upstream's NodeRestriction, here by name);</li>
 *   <li>Pods: update/patch of {@code pods/status}, delete and {@code pods/eviction} only for pods bound to the node (upstream's
 *       NodeRestriction, here by the graph); mirror-pod creation is checked by {@link NodeRestriction};</li>
 *   <li>Beluga's node-local DNS: the EndpointSlice {@code kube-system/kube-dns-NODE} (get, create, update, patch,
 *       delete), which each agent publishes for the cluster DNS Service;</li>
 *   <li>everything else: the rules of {@code system:node} ({@link BootstrapPolicy#nodeRules()}).</li>
 * </ul>
 * Refusals are "no opinion" with upstream's reasons (e.g. {@code no relationship found between node 'n1' and this
 * object}), so RBAC may still allow. Thread-safe.
 */
public final class NodeAuthorizer implements Authorizer {
    private static final List<PolicyRule> NODE_RULES = BootstrapPolicy.nodeRules();
    private static final Set<String> READ = Set.of("get", "list", "watch");
    public static final String DNS_SLICE_PREFIX = "kube-dns-";

    private final NodeGraph graph;

    public NodeAuthorizer(NodeGraph graph) {
        this.graph = graph;
    }

    @Override
    public Decision authorize(Attributes a) {
        String node = NodeIdentity.nodeName(a.user());
        if (node == null) return Decision.NO_OPINION;
        if (!a.resourceRequest()) return rules(a);
        String group = a.apiGroup();
        if (group.isEmpty()) {
            switch (a.resource()) {
                case "secrets", "configmaps" -> {
                    if (!a.subresource().isEmpty()) return rules(a);
                    return readRelated(node, a, READ);
                }
                case "persistentvolumeclaims", "persistentvolumes" -> {
                    if (!a.subresource().isEmpty()) return rules(a);
                    return readRelated(node, a, Set.of("get"));
                }
                case "serviceaccounts" -> {
                    if (a.subresource().equals("token")) {
                        if (!a.verb().equals("create")) return Decision.noOpinion("can only create tokens for individual service accounts");
                        return related(node, a, "serviceaccounts");
                    }
                    if (a.subresource().isEmpty()) return readRelated(node, a, Set.of("get"));
                    return Decision.NO_OPINION;
                }
                case "nodes" -> {
                    if (Set.of("update", "patch", "delete").contains(a.verb()) && !a.name().equals(node))
                        return Decision.noOpinion("node '" + node + "' cannot modify node '" + a.name() + "'");
                    return rules(a);
                }
                case "pods" -> {
                    boolean statusWrite = a.subresource().equals("status") && Set.of("update", "patch").contains(a.verb());
                    boolean delete = a.subresource().isEmpty() && a.verb().equals("delete");
                    boolean evict = a.subresource().equals("eviction") && a.verb().equals("create");
                    if ((statusWrite || delete || evict) && !node.equals(graph.nodeOf(a.namespace(), a.name())))
                        return Decision.noOpinion("node '" + node + "' can only " + (evict ? "evict" : delete ? "delete" : "update the status of")
                            + " pods bound to it");
                    return rules(a);
                }
                default -> {
                    return rules(a);
                }
            }
        }
        if (group.equals("coordination.k8s.io") && a.resource().equals("leases")) {
            if (!Set.of("get", "create", "update", "patch", "delete").contains(a.verb()))
                return Decision.noOpinion("can only get, create, update, patch, or delete a node lease");
            if (!a.namespace().equals("kube-node-lease"))
                return Decision.noOpinion("can only access leases in the kube-node-lease namespace");
            if (!a.verb().equals("create") && !a.name().equals(node))
                return Decision.noOpinion("can only access node lease with the same name as the requesting node");
            return Decision.allow("");
        }
        if (group.equals("discovery.k8s.io") && a.resource().equals("endpointslices") && a.namespace().equals("kube-system")
            && a.name().equals(DNS_SLICE_PREFIX + node) && Set.of("get", "create", "update", "patch", "delete").contains(a.verb()))
            return Decision.allow("");
        return rules(a);
    }

    private Decision readRelated(String node, Attributes a, Set<String> verbs) {
        if (!verbs.contains(a.verb())) return Decision.noOpinion("can only read resources of this type");
        if (a.name().isEmpty()) return Decision.noOpinion("can only read namespaced object of this type");
        return related(node, a, a.resource());
    }

    private Decision related(String node, Attributes a, String kind) {
        if (a.name().isEmpty()) return Decision.noOpinion("No Object name found");
        if (graph.related(node, kind, a.namespace(), a.name())) return Decision.allow("");
        return Decision.noOpinion("no relationship found between node '" + node + "' and this object");
    }

    private static Decision rules(Attributes a) {
        for (PolicyRule r : NODE_RULES) if (r.allows(a)) return Decision.allow("");
        return Decision.NO_OPINION;
    }

    @Override
    public RuleSet rulesFor(UserInfo user, String namespace) {
        if (NodeIdentity.nodeName(user) == null) return new RuleSet(List.of(), false);
        // the graph-dependent grants cannot be listed as rules
        return new RuleSet(NODE_RULES, true);
    }
}
