package dev.beluga.apiserver.authz.rbac;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ClusterRoles and ClusterRoleBindings every cluster starts with: upstream's bootstrap policy (kube-apiserver 1.32,
 * {@code plugin/pkg/auth/authorizer/rbac/bootstrappolicy}) for the roles Beluga's parts and users need, plus Beluga's
 * own bindings (prefix {@code beluga:}):
 *
 * <ul>
 *   <li>{@code beluga:kubelet-api-admin}: {@code system:kubelet-api-admin} to the user {@value #KUBELET_CLIENT_USER}, the
 *       identity the API server presents to kubelets (logs, exec, port-forward, metrics scrapes);</li>
 *   <li>{@code beluga:node-proxier} and {@code beluga:node-dns}: {@code system:node-proxier} and {@code system:kube-dns}
 *       to the group {@code system:nodes}, because Beluga's agent runs the service proxy and the node-local DNS with the
 *       node's own identity (upstream runs them as {@code system:kube-proxy} and the kube-dns ServiceAccount);</li>
 *   <li>{@code system:aggregated-metrics-reader} (as metrics-server ships it): {@code metrics.k8s.io} pods and nodes for
 *       view, edit and admin, since the API server serves metrics.k8s.io itself.</li>
 * </ul>
 * Every object carries the label {@code kubernetes.io/bootstrapping: rbac-defaults} and the annotation
 * {@code rbac.authorization.kubernetes.io/autoupdate: "true"}. Stateless.
 */
public final class BootstrapPolicy {
    public static final String KUBELET_CLIENT_USER = "kube-apiserver-kubelet-client";
    public static final String AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";
    static final List<String> READ = List.of("get", "list", "watch");
    static final List<String> WRITE = List.of("create", "delete", "deletecollection", "patch", "update");
    static final List<String> READ_WRITE = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
    private static final String CORE = "";

    private BootstrapPolicy() {
    }

    private static PolicyRule r(List<String> verbs, List<String> groups, String... resources) {
        return PolicyRule.resources(verbs, groups, List.of(resources));
    }

    private static PolicyRule r(List<String> verbs, String group, String... resources) {
        return r(verbs, List.of(group), resources);
    }

    private static PolicyRule r(String verb, String group, String... resources) {
        return r(List.of(verb), List.of(group), resources);
    }

    private static List<String> v(String... verbs) {
        return List.of(verbs);
    }

    private static PolicyRule events() {
        return r(v("create", "patch", "update"), List.of(CORE, "events.k8s.io"), "events");
    }

    /** The rules of {@code system:node}, which the Node authorizer applies to every node. */
    public static List<PolicyRule> nodeRules() {
        return List.of(
            r("create", "authentication.k8s.io", "tokenreviews"),
            r("create", "authorization.k8s.io", "localsubjectaccessreviews", "subjectaccessreviews"),
            r(READ, CORE, "services"),
            r(v("create", "get", "list", "watch"), CORE, "nodes"),
            r(v("patch", "update"), CORE, "nodes/status"),
            r(v("patch", "update"), CORE, "nodes"),
            r(v("create", "patch", "update"), CORE, "events"),
            r(READ, CORE, "pods"),
            r(v("create", "delete"), CORE, "pods"),
            r(v("patch", "update"), CORE, "pods/status"),
            r("create", CORE, "pods/eviction"),
            r(READ, CORE, "configmaps", "secrets"),
            r("get", CORE, "persistentvolumeclaims", "persistentvolumes"),
            r("get", CORE, "endpoints"),
            r(v("create", "get", "list", "watch"), "certificates.k8s.io", "certificatesigningrequests"),
            r(v("create", "delete", "get", "patch", "update"), "coordination.k8s.io", "leases"),
            r("get", "storage.k8s.io", "volumeattachments"),
            r("create", CORE, "serviceaccounts/token"),
            r(v("get", "patch", "update"), CORE, "persistentvolumeclaims/status"),
            r(READ, "storage.k8s.io", "csidrivers"),
            r(v("create", "delete", "get", "patch", "update"), "storage.k8s.io", "csinodes"),
            r(READ, "node.k8s.io", "runtimeclasses"));
    }

    /** The bootstrap ClusterRoles, in upstream's shape. */
    public static List<ObjectNode> clusterRoles() {
        List<ObjectNode> roles = new ArrayList<>();
        roles.add(role("cluster-admin", Map.of(), List.of(r(v("*"), "*", "*"), PolicyRule.urls(v("*"), v("*")))));
        roles.add(aggregated("admin", "admin", Map.of()));
        roles.add(aggregated("edit", "edit", Map.of("rbac.authorization.k8s.io/aggregate-to-admin", "true")));
        roles.add(aggregated("view", "view", Map.of("rbac.authorization.k8s.io/aggregate-to-edit", "true")));
        roles.add(role("system:aggregate-to-admin", Map.of("rbac.authorization.k8s.io/aggregate-to-admin", "true"), List.of(
            r("create", "authorization.k8s.io", "localsubjectaccessreviews"),
            r(READ_WRITE, "rbac.authorization.k8s.io", "rolebindings", "roles"))));
        roles.add(role("system:aggregate-to-edit", Map.of("rbac.authorization.k8s.io/aggregate-to-edit", "true"), List.of(
            r(READ, CORE, "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"),
            r("impersonate", CORE, "serviceaccounts"),
            r(WRITE, CORE, "pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"),
            r("create", CORE, "pods/eviction"),
            r(WRITE, CORE, "configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
                "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"),
            r("create", CORE, "serviceaccounts/token"),
            r(WRITE, "apps", "daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
                "replicasets/scale", "statefulsets", "statefulsets/scale"),
            r(WRITE, "autoscaling", "horizontalpodautoscalers"),
            r(WRITE, "batch", "cronjobs", "jobs"),
            r(WRITE, "extensions", "daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses",
                "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"),
            r(WRITE, "policy", "poddisruptionbudgets"),
            r(WRITE, "networking.k8s.io", "ingresses", "networkpolicies"),
            r(READ_WRITE, "coordination.k8s.io", "leases"))));
        roles.add(role("system:aggregate-to-view", Map.of("rbac.authorization.k8s.io/aggregate-to-view", "true"), List.of(
            r(READ, CORE, "configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
                "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"),
            r(READ, CORE, "bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
                "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"),
            r(READ, CORE, "namespaces"),
            r(READ, "discovery.k8s.io", "endpointslices"),
            r(READ, "apps", "controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets",
                "statefulsets/scale", "statefulsets/status"),
            r(READ, "autoscaling", "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
            r(READ, "batch", "cronjobs", "cronjobs/status", "jobs", "jobs/status"),
            r(READ, "extensions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
                "ingresses", "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale", "replicasets/status",
                "replicationcontrollers/scale"),
            r(READ, "policy", "poddisruptionbudgets", "poddisruptionbudgets/status"),
            r(READ, "networking.k8s.io", "ingresses", "ingresses/status", "networkpolicies"))));
        roles.add(role("system:aggregated-metrics-reader", Map.of("rbac.authorization.k8s.io/aggregate-to-admin", "true",
            "rbac.authorization.k8s.io/aggregate-to-edit", "true", "rbac.authorization.k8s.io/aggregate-to-view", "true"),
            List.of(r(READ, "metrics.k8s.io", "pods", "nodes"))));
        roles.add(role("system:auth-delegator", Map.of(), List.of(
            r("create", "authentication.k8s.io", "tokenreviews"), r("create", "authorization.k8s.io", "subjectaccessreviews"))));
        roles.add(role("system:basic-user", Map.of(), List.of(
            r("create", "authorization.k8s.io", "selfsubjectaccessreviews", "selfsubjectrulesreviews"),
            r("create", "authentication.k8s.io", "selfsubjectreviews"))));
        roles.add(role("system:discovery", Map.of(), List.of(PolicyRule.urls(v("get"), v("/api", "/api/*", "/apis", "/apis/*",
            "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/")))));
        roles.add(role("system:public-info-viewer", Map.of(), List.of(PolicyRule.urls(v("get"),
            v("/healthz", "/livez", "/readyz", "/version", "/version/")))));
        roles.add(role("system:monitoring", Map.of(), List.of(PolicyRule.urls(v("get"), v("/healthz", "/healthz/*", "/livez",
            "/livez/*", "/metrics", "/metrics/slis", "/readyz", "/readyz/*")))));
        roles.add(role("system:node", Map.of(), nodeRules()));
        roles.add(role("system:node-proxier", Map.of(), List.of(
            r(v("list", "watch"), CORE, "endpoints", "services"),
            r(READ, CORE, "nodes"),
            events(),
            r(v("list", "watch"), "discovery.k8s.io", "endpointslices"))));
        roles.add(role("system:kube-dns", Map.of(), List.of(r(v("list", "watch"), CORE, "endpoints", "services"))));
        roles.add(role("system:kubelet-api-admin", Map.of(), List.of(
            r(READ, CORE, "nodes"), r("proxy", CORE, "nodes"),
            r(v("*"), CORE, "nodes/log", "nodes/metrics", "nodes/proxy", "nodes/stats"))));
        roles.add(role("system:kube-scheduler", Map.of(), List.of(
            events(),
            r("create", "coordination.k8s.io", "leases"),
            r(v("get", "update"), "coordination.k8s.io", "leases").withNames(v("kube-scheduler")),
            r(READ, CORE, "nodes"),
            r(v("delete", "get", "list", "watch"), CORE, "pods"),
            r("create", CORE, "bindings", "pods/binding"),
            r(v("patch", "update"), CORE, "pods/status"),
            r(READ, CORE, "replicationcontrollers", "services"),
            r(READ, List.of("apps", "extensions"), "replicasets"),
            r(READ, "apps", "statefulsets"),
            r(READ, "policy", "poddisruptionbudgets"),
            r(READ, CORE, "persistentvolumeclaims", "persistentvolumes"),
            r("create", "authentication.k8s.io", "tokenreviews"),
            r("create", "authorization.k8s.io", "subjectaccessreviews"),
            r(READ, "storage.k8s.io", "csinodes"),
            r(READ, CORE, "namespaces"),
            r(READ, "storage.k8s.io", "csidrivers"),
            r(READ, "storage.k8s.io", "csistoragecapacities"))));
        roles.add(role("system:volume-scheduler", Map.of(), List.of(
            r(v("get", "list", "patch", "update", "watch"), CORE, "persistentvolumes"),
            r(READ, "storage.k8s.io", "storageclasses"),
            r(v("get", "list", "patch", "update", "watch"), CORE, "persistentvolumeclaims"))));
        roles.add(role("system:kube-controller-manager", Map.of(), List.of(
            events(),
            r("create", "coordination.k8s.io", "leases"),
            r(v("get", "update"), "coordination.k8s.io", "leases").withNames(v("kube-controller-manager")),
            r("create", CORE, "secrets", "serviceaccounts"),
            r("delete", CORE, "secrets"),
            r("get", CORE, "configmaps", "namespaces", "secrets", "serviceaccounts"),
            r("update", CORE, "secrets", "serviceaccounts"),
            r("create", "authentication.k8s.io", "tokenreviews"),
            r("create", "authorization.k8s.io", "subjectaccessreviews"),
            r(v("list", "watch"), "*", "*"),
            r("create", CORE, "serviceaccounts/token"))));
        roles.add(role("system:node-bootstrapper", Map.of(), List.of(
            r(v("create", "get", "list", "watch"), "certificates.k8s.io", "certificatesigningrequests"))));
        roles.add(role("system:certificates.k8s.io:certificatesigningrequests:nodeclient", Map.of(), List.of(
            r("create", "certificates.k8s.io", "certificatesigningrequests/nodeclient"))));
        roles.add(role("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", Map.of(), List.of(
            r("create", "certificates.k8s.io", "certificatesigningrequests/selfnodeclient"))));
        for (String signer : List.of("kube-apiserver-client", "kube-apiserver-client-kubelet", "kubelet-serving", "legacy-unknown")) {
            roles.add(role("system:certificates.k8s.io:" + signer + "-approver", Map.of(), List.of(
                r("approve", "certificates.k8s.io", "signers").withNames(v("kubernetes.io/" + signer)))));
        }
        roles.add(role("system:service-account-issuer-discovery", Map.of(), List.of(PolicyRule.urls(v("get"),
            v("/.well-known/openid-configuration", "/openid/v1/jwks")))));
        return roles;
    }

    /** The bootstrap ClusterRoleBindings: upstream's for these roles, and Beluga's (see the class comment). */
    public static List<ObjectNode> clusterRoleBindings() {
        List<ObjectNode> out = new ArrayList<>();
        out.add(binding("cluster-admin", "cluster-admin", subject("Group", "system:masters")));
        out.add(binding("system:basic-user", "system:basic-user", subject("Group", "system:authenticated")));
        out.add(binding("system:discovery", "system:discovery", subject("Group", "system:authenticated")));
        out.add(binding("system:public-info-viewer", "system:public-info-viewer", subject("Group", "system:authenticated"),
            subject("Group", "system:unauthenticated")));
        out.add(binding("system:monitoring", "system:monitoring", subject("Group", "system:monitoring")));
        out.add(binding("system:node", "system:node"));
        out.add(binding("system:node-proxier", "system:node-proxier", subject("User", "system:kube-proxy")));
        out.add(binding("system:kube-dns", "system:kube-dns", serviceAccount("kube-system", "kube-dns")));
        out.add(binding("system:kube-scheduler", "system:kube-scheduler", subject("User", "system:kube-scheduler")));
        out.add(binding("system:volume-scheduler", "system:volume-scheduler", subject("User", "system:kube-scheduler")));
        out.add(binding("system:kube-controller-manager", "system:kube-controller-manager",
            subject("User", "system:kube-controller-manager")));
        out.add(binding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery",
            subject("Group", "system:serviceaccounts")));
        out.add(binding("beluga:kubelet-api-admin", "system:kubelet-api-admin", subject("User", KUBELET_CLIENT_USER)));
        out.add(binding("beluga:node-proxier", "system:node-proxier", subject("Group", "system:nodes")));
        out.add(binding("beluga:node-dns", "system:kube-dns", subject("Group", "system:nodes")));
        return out;
    }

    private static ObjectNode meta(ObjectNode obj, String kind, String name, Map<String, String> labels) {
        obj.put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", kind);
        ObjectNode meta = obj.putObject("metadata");
        meta.put("name", name);
        meta.putObject("annotations").put(AUTOUPDATE, "true");
        ObjectNode l = meta.putObject("labels");
        l.put("kubernetes.io/bootstrapping", "rbac-defaults");
        labels.forEach(l::put);
        return obj;
    }

    private static ObjectNode role(String name, Map<String, String> labels, List<PolicyRule> rules) {
        ObjectNode obj = meta(Json.object(), "ClusterRole", name, labels);
        ArrayNode a = obj.putArray("rules");
        rules.forEach(rule -> a.add(rule.toJson()));
        return obj;
    }

    private static ObjectNode aggregated(String name, String selectorSuffix, Map<String, String> labels) {
        ObjectNode obj = meta(Json.object(), "ClusterRole", name, labels);
        obj.putObject("aggregationRule").putArray("clusterRoleSelectors").addObject().putObject("matchLabels")
            .put("rbac.authorization.k8s.io/aggregate-to-" + selectorSuffix, "true");
        obj.putArray("rules");
        return obj;
    }

    private static ObjectNode subject(String kind, String name) {
        return Json.object().put("apiGroup", "rbac.authorization.k8s.io").put("kind", kind).put("name", name);
    }

    private static ObjectNode serviceAccount(String namespace, String name) {
        return Json.object().put("kind", "ServiceAccount").put("name", name).put("namespace", namespace);
    }

    private static ObjectNode binding(String name, String role, ObjectNode... subjects) {
        ObjectNode obj = meta(Json.object(), "ClusterRoleBinding", name, Map.of());
        obj.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "ClusterRole").put("name", role);
        if (subjects.length > 0) {
            ArrayNode a = obj.putArray("subjects");
            for (ObjectNode s : subjects) a.add(s);
        }
        return obj;
    }
}
