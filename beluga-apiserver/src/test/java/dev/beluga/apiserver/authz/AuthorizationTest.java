package dev.beluga.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beluga.apiserver.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API server under {@code Node,RBAC} with users' client certificates: forbidden until a binding allows, watch,
 * discovery and non-resource paths, access reviews, impersonation, escalation prevention, aggregation, the Node
 * authorizer and NodeRestriction.
 */
class AuthorizationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestServer server;
    static UserClient admin;
    static UserClient alice;
    static UserClient bob;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(dir);
        admin = new UserClient(server, "admin", "system:masters");
        alice = new UserClient(server, "alice");
        bob = new UserClient(server, "bob", "devs");
        for (String ns : new String[]{"team-a", "team-b"})
            assertThat(admin.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}").code()).isEqualTo(201);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static JsonNode json(UserClient.Answer a) throws Exception {
        return JSON.readTree(a.body());
    }

    private static String roleBinding(String ns, String name, String roleKind, String role, String subjectKind, String subject) {
        return "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\"" + name
            + "\",\"namespace\":\"" + ns + "\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"" + roleKind
            + "\",\"name\":\"" + role + "\"},\"subjects\":[{\"kind\":\"" + subjectKind + "\",\"name\":\"" + subject
            + "\",\"apiGroup\":\"rbac.authorization.k8s.io\"}]}";
    }

    @Test
    void forbiddenUntilARoleBindingAllows() throws Exception {
        UserClient.Answer denied = bob.get("/api/v1/namespaces/team-a/pods");
        assertThat(denied.code()).isEqualTo(403);
        JsonNode status = json(denied);
        assertThat(status.path("message").asText())
            .isEqualTo("pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" in the namespace \"team-a\"");
        assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
        assertThat(status.path("details").path("kind").asText()).isEqualTo("pods");
        UserClient.Answer named = bob.get("/apis/apps/v1/namespaces/team-a/deployments/web");
        assertThat(json(named).path("message").asText()).isEqualTo("deployments.apps \"web\" is forbidden: User \"bob\" cannot get"
            + " resource \"deployments\" in API group \"apps\" in the namespace \"team-a\"");

        assertThat(admin.post("/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings",
            roleBinding("team-a", "devs-view", "ClusterRole", "view", "Group", "devs")).code()).isEqualTo(201);
        assertThat(bob.awaitCode(200, "/api/v1/namespaces/team-a/pods").code()).isEqualTo(200);
        // only in that namespace, only reading
        assertThat(bob.get("/api/v1/namespaces/team-b/pods").code()).isEqualTo(403);
        assertThat(bob.get("/api/v1/pods").code()).isEqualTo(403);
        UserClient.Answer create = bob.post("/api/v1/namespaces/team-a/configmaps", "{\"metadata\":{\"name\":\"c\"}}");
        assertThat(create.code()).isEqualTo(403);
        assertThat(json(create).path("message").asText()).isEqualTo("configmaps is forbidden: User \"bob\" cannot create resource"
            + " \"configmaps\" in API group \"\" in the namespace \"team-a\"");
        // view does not include secrets, and the subresource is matched on its own
        assertThat(bob.get("/api/v1/namespaces/team-a/secrets").code()).isEqualTo(403);
        assertThat(json(bob.get("/api/v1/namespaces/team-a/pods/p/exec?command=sh")).path("message").asText())
            .contains("cannot get resource \"pods/exec\" in API group \"\" in the namespace \"team-a\"");
    }

    @Test
    void watchIsAuthorizedAsWatch() throws Exception {
        UserClient.Answer a = alice.get("/api/v1/namespaces/kube-system/pods?watch=true");
        assertThat(a.code()).isEqualTo(403);
        assertThat(json(a).path("message").asText()).isEqualTo("pods is forbidden: User \"alice\" cannot watch resource \"pods\""
            + " in API group \"\" in the namespace \"kube-system\"");
        assertThat(json(alice.get("/api/v1/watch/nodes")).path("message").asText())
            .isEqualTo("nodes is forbidden: User \"alice\" cannot watch resource \"nodes\" in API group \"\" at the cluster scope");
    }

    @Test
    void discoveryIsOpenToAuthenticatedUsersAndOtherPathsAreNot() throws Exception {
        assertThat(alice.get("/api").code()).isEqualTo(200);
        assertThat(alice.get("/apis").code()).isEqualTo(200);
        assertThat(alice.get("/apis/apps/v1").code()).isEqualTo(200);
        assertThat(alice.get("/version").code()).isEqualTo(200);
        assertThat(alice.get("/openapi/v3").code()).isEqualTo(200);
        UserClient.Answer metrics = alice.get("/metrics");
        assertThat(metrics.code()).isEqualTo(403);
        assertThat(json(metrics).path("message").asText()).isEqualTo("forbidden: User \"alice\" cannot get path \"/metrics\"");
        assertThat(new UserClient(server, "prometheus", "system:monitoring").get("/metrics").code()).isEqualTo(200);
    }

    @Test
    void accessReviews() throws Exception {
        String ssar = "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\",\"spec\":{\"resourceAttributes\":"
            + "{\"namespace\":\"kube-system\",\"verb\":\"list\",\"resource\":\"pods\"}}}";
        UserClient.Answer mine = alice.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", ssar);
        assertThat(mine.code()).isEqualTo(201);
        assertThat(json(mine).path("status").path("allowed").asBoolean()).isFalse();
        JsonNode adminAnswer = json(admin.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", ssar));
        assertThat(adminAnswer.path("status").path("allowed").asBoolean()).isTrue();

        String sar = "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{\"user\":\"carol\","
            + "\"groups\":[\"system:authenticated\"],\"resourceAttributes\":{\"namespace\":\"team-b\",\"verb\":\"get\",\"resource\":\"secrets\"}}}";
        assertThat(json(admin.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", sar)).path("status").path("allowed").asBoolean()).isFalse();
        // alice herself may not ask about others
        assertThat(alice.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", sar).code()).isEqualTo(403);
        assertThat(admin.post("/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/rolebindings",
            roleBinding("team-b", "carol-edit", "ClusterRole", "edit", "User", "carol")).code()).isEqualTo(201);
        JsonNode allowed = null;
        for (int i = 0; i < 100; i++) {
            allowed = json(admin.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", sar));
            if (allowed.path("status").path("allowed").asBoolean()) break;
            Thread.sleep(50);
        }
        assertThat(allowed.path("status").path("allowed").asBoolean()).isTrue();
        assertThat(allowed.path("status").path("reason").asText())
            .isEqualTo("RBAC: allowed by RoleBinding \"carol-edit/team-b\" of ClusterRole \"edit\" to User \"carol\"");

        String bad = "{\"kind\":\"SubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/v1\",\"spec\":{\"user\":\"x\"}}";
        UserClient.Answer invalid = admin.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", bad);
        assertThat(invalid.code()).isEqualTo(422);
        assertThat(json(invalid).path("details").path("causes").get(0).path("field").asText()).isEqualTo("spec.resourceAttributes");

        String rules = "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\",\"spec\":{\"namespace\":\"default\"}}";
        JsonNode rulesAnswer = json(alice.post("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", rules));
        assertThat(rulesAnswer.path("status").path("resourceRules").toString()).contains("selfsubjectaccessreviews");
        assertThat(rulesAnswer.path("status").path("nonResourceRules").toString()).contains("/api/*");
    }

    @Test
    void impersonation() throws Exception {
        UserClient.Answer refused = alice.get("/api/v1/namespaces/default/pods", "Impersonate-User", "bob");
        assertThat(refused.code()).isEqualTo(403);
        assertThat(json(refused).path("message").asText()).isEqualTo("users \"bob\" is forbidden: User \"alice\" cannot impersonate"
            + " resource \"users\" in API group \"\" at the cluster scope");
        UserClient.Answer asDave = admin.get("/api/v1/namespaces/default/pods", "Impersonate-User", "dave");
        assertThat(asDave.code()).isEqualTo(403);
        assertThat(json(asDave).path("message").asText()).contains("User \"dave\" cannot list resource \"pods\"");
        assertThat(admin.get("/api/v1/namespaces/default/pods", "Impersonate-User", "dave", "Impersonate-Group", "system:masters").code())
            .isEqualTo(200);
        JsonNode whoami = json(admin.post("/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}", "Impersonate-User",
            "system:serviceaccount:team-a:builder"));
        assertThat(whoami.path("status").path("userInfo").path("groups").toString())
            .contains("system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated");
        assertThat(admin.get("/api/v1/namespaces/default/pods", "Impersonate-Group", "x").code()).isEqualTo(400);
    }

    @Test
    void escalationIsRefused() throws Exception {
        assertThat(admin.post("/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/rolebindings",
            roleBinding("team-b", "erin-admin", "ClusterRole", "admin", "User", "erin")).code()).isEqualTo(201);
        UserClient erin = new UserClient(server, "erin");
        assertThat(erin.awaitCode(200, "/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/roles").code()).isEqualTo(200);
        String okRole = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\",\"metadata\":{\"name\":\"pod-reader\"},"
            + "\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\",\"list\"]}]}";
        assertThat(erin.post("/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/roles", okRole).code()).isEqualTo(201);
        String tooMuch = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\",\"metadata\":{\"name\":\"node-reader\"},"
            + "\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"nodes\"],\"verbs\":[\"get\"]}]}";
        UserClient.Answer refused = erin.post("/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/roles", tooMuch);
        assertThat(refused.code()).isEqualTo(403);
        assertThat(json(refused).path("message").asText()).isEqualTo("roles.rbac.authorization.k8s.io \"node-reader\" is forbidden:"
            + " user \"erin\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
            + "{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"get\"]}");
        UserClient.Answer bindAdmin = erin.post("/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/rolebindings",
            roleBinding("team-b", "grab", "ClusterRole", "cluster-admin", "User", "erin"));
        assertThat(bindAdmin.code()).isEqualTo(403);
        assertThat(json(bindAdmin).path("message").asText()).startsWith("rolebindings.rbac.authorization.k8s.io \"grab\" is forbidden:"
            + " user \"erin\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:");
        // binding a role whose rules she holds is fine
        assertThat(erin.post("/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/rolebindings",
            roleBinding("team-b", "readers", "Role", "pod-reader", "User", "frank")).code()).isEqualTo(201);
        // with the escalate verb, anything goes
        String escalator = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"escalator\"},"
            + "\"rules\":[{\"apiGroups\":[\"rbac.authorization.k8s.io\"],\"resources\":[\"roles\"],\"verbs\":[\"escalate\"]}]}";
        assertThat(admin.post("/apis/rbac.authorization.k8s.io/v1/clusterroles", escalator).code()).isEqualTo(201);
        assertThat(admin.post("/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/rolebindings",
            roleBinding("team-b", "erin-escalate", "ClusterRole", "escalator", "User", "erin")).code()).isEqualTo(201);
        UserClient.Answer escalated = null;
        for (int i = 0; i < 100; i++) {
            escalated = erin.post("/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/roles", tooMuch);
            if (escalated.code() != 403) break;
            Thread.sleep(50);
        }
        assertThat(escalated.code()).as(escalated.body()).isEqualTo(201);
    }

    @Test
    void bootstrapPolicyAndAggregation() throws Exception {
        JsonNode view = json(admin.get("/apis/rbac.authorization.k8s.io/v1/clusterroles/view"));
        assertThat(view.path("metadata").path("annotations").path("rbac.authorization.kubernetes.io/autoupdate").asText()).isEqualTo("true");
        assertThat(view.path("rules").toString()).contains("pods/log", "deployments", "metrics.k8s.io");
        assertThat(view.path("rules").toString()).doesNotContain("secrets");
        JsonNode admin_ = json(admin.get("/apis/rbac.authorization.k8s.io/v1/clusterroles/admin"));
        assertThat(admin_.path("rules").toString()).contains("rolebindings", "secrets", "pods/log");
        String widgets = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"widget-viewer\","
            + "\"labels\":{\"rbac.authorization.k8s.io/aggregate-to-view\":\"true\"}},"
            + "\"rules\":[{\"apiGroups\":[\"example.com\"],\"resources\":[\"widgets\"],\"verbs\":[\"get\"]}]}";
        assertThat(admin.post("/apis/rbac.authorization.k8s.io/v1/clusterroles", widgets).code()).isEqualTo(201);
        String seen = "";
        for (int i = 0; i < 100 && !seen.contains("widgets"); i++) {
            Thread.sleep(50);
            seen = json(admin.get("/apis/rbac.authorization.k8s.io/v1/clusterroles/edit")).path("rules").toString();
        }
        assertThat(seen).contains("widgets"); // view aggregates to edit, which aggregates it in turn
        for (String name : new String[]{"cluster-admin", "system:basic-user", "system:discovery", "system:public-info-viewer",
            "system:node", "system:node-proxier", "system:kube-scheduler", "system:kube-controller-manager", "system:kube-dns",
            "system:kubelet-api-admin", "system:monitoring", "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient"})
            assertThat(admin.get("/apis/rbac.authorization.k8s.io/v1/clusterroles/" + name).code()).as(name).isEqualTo(200);
        assertThat(json(admin.get("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/beluga:kubelet-api-admin"))
            .path("subjects").toString()).contains("kube-apiserver-kubelet-client");
    }

    @Test
    void nodesSeeWhatTheirPodsNeedAndNothingElse() throws Exception {
        UserClient node = new UserClient(server, "system:node:n1", "system:nodes");
        for (String s : new String[]{"used", "unused"}) {
            assertThat(admin.post("/api/v1/namespaces/team-a/secrets", "{\"metadata\":{\"name\":\"" + s + "\"},\"stringData\":{\"k\":\"v\"}}")
                .code()).isEqualTo(201);
        }
        String pod = "{\"metadata\":{\"name\":\"p1\"},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\","
            + "\"env\":[{\"name\":\"K\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"used\",\"key\":\"k\"}}}]}]}}";
        assertThat(admin.post("/api/v1/namespaces/team-a/pods", pod).code()).isEqualTo(201);
        String other = "{\"metadata\":{\"name\":\"p2\"},\"spec\":{\"nodeName\":\"n2\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
        assertThat(admin.post("/api/v1/namespaces/team-a/pods", other).code()).isEqualTo(201);

        assertThat(node.get("/api/v1/namespaces/team-a/secrets/used").code()).isEqualTo(200);
        UserClient.Answer unused = node.get("/api/v1/namespaces/team-a/secrets/unused");
        assertThat(unused.code()).isEqualTo(403);
        assertThat(json(unused).path("message").asText()).isEqualTo("secrets \"unused\" is forbidden: User \"system:node:n1\" cannot get"
            + " resource \"secrets\" in API group \"\" in the namespace \"team-a\": no relationship found between node 'n1' and this object");
        assertThat(node.get("/api/v1/namespaces/team-a/secrets").code()).isEqualTo(403);
        assertThat(node.get("/api/v1/namespaces/team-a/secrets?fieldSelector=metadata.name%3Dused").code()).isEqualTo(200);
        // pods and their status
        assertThat(node.get("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1").code()).isEqualTo(200);
        String status = "{\"status\":{\"phase\":\"Running\"}}";
        assertThat(node.send("PATCH", "/api/v1/namespaces/team-a/pods/p1/status", status).code()).isEqualTo(200);
        assertThat(node.send("PATCH", "/api/v1/namespaces/team-a/pods/p2/status", status).code()).isEqualTo(403);
        assertThat(node.send("DELETE", "/api/v1/namespaces/team-a/pods/p2", null).code()).isEqualTo(403);
        // its own Node and Lease only
        assertThat(node.post("/api/v1/nodes", "{\"metadata\":{\"name\":\"n1\"}}").code()).isEqualTo(201);
        UserClient.Answer otherNode = node.post("/api/v1/nodes", "{\"metadata\":{\"name\":\"n2\"}}");
        assertThat(otherNode.code()).isEqualTo(403);
        assertThat(json(otherNode).path("message").asText()).contains("node \"n1\" is not allowed to modify node \"n2\"");
        assertThat(node.send("PATCH", "/api/v1/nodes/n1/status", "{\"status\":{\"phase\":\"Running\"}}").code()).isEqualTo(200);
        String lease = "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"%s\"}}";
        assertThat(node.post("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease.formatted("n1")).code()).isEqualTo(201);
        assertThat(node.post("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease.formatted("n2")).code()).isEqualTo(403);
        assertThat(node.get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n2").code()).isEqualTo(403);
        // mirror pods only
        UserClient.Answer plainPod = node.post("/api/v1/namespaces/team-a/pods", pod.replace("p1", "p3"));
        assertThat(plainPod.code()).isEqualTo(403);
        assertThat(json(plainPod).path("message").asText()).contains("can only create mirror pods");
        String mirror = "{\"metadata\":{\"name\":\"m1\",\"annotations\":{\"kubernetes.io/config.mirror\":\"x\"}},"
            + "\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
        assertThat(node.post("/api/v1/namespaces/team-a/pods", mirror).code()).isEqualTo(201);
        // what the agent's proxy and DNS read (Beluga's bindings of system:node-proxier and system:kube-dns)
        assertThat(node.get("/apis/discovery.k8s.io/v1/endpointslices?watch=true&timeoutSeconds=1").code()).isEqualTo(200);
        assertThat(node.get("/api/v1/services").code()).isEqualTo(200);
        // its DNS endpoint slice, not another node's
        String slice = "{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"%s\"},"
            + "\"addressType\":\"IPv4\",\"endpoints\":[]}";
        assertThat(node.send("PATCH", "/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices/kube-dns-n1?fieldManager=t",
            slice.formatted("kube-dns-n1"), "Content-Type", "application/apply-patch+yaml").code()).isIn(200, 201);
        assertThat(node.post("/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices", slice.formatted("kube-dns-n2")).code())
            .isEqualTo(403);
        // kubelet API authorization as the kubelets ask it
        String sar = "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{\"user\":\"%s\","
            + "\"groups\":[\"system:authenticated\"],\"resourceAttributes\":{\"verb\":\"get\",\"resource\":\"nodes\",\"subresource\":\"proxy\",\"name\":\"n1\"}}}";
        assertThat(json(node.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", sar.formatted("kube-apiserver-kubelet-client")))
            .path("status").path("allowed").asBoolean()).isTrue();
        assertThat(json(node.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", sar.formatted("alice")))
            .path("status").path("allowed").asBoolean()).isFalse();
    }
}
