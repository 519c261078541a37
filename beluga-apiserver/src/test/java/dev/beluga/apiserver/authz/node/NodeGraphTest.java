package dev.beluga.apiserver.authz.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.auth.UserInfo;
import dev.beluga.apiserver.authz.Attributes;
import dev.beluga.apiserver.authz.Decision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NodeGraphTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode pod(String ns, String name, String node, String spec) throws Exception {
        ObjectNode p = (ObjectNode) JSON.readTree("{\"spec\":" + spec + "}");
        p.putObject("metadata").put("namespace", ns).put("name", name);
        if (node != null) ((ObjectNode) p.get("spec")).put("nodeName", node);
        return p;
    }

    private static final String SPEC = """
        {"serviceAccountName":"sa","imagePullSecrets":[{"name":"pull"}],
         "volumes":[{"name":"v1","secret":{"secretName":"vol-secret"}},{"name":"v2","configMap":{"name":"vol-cm"}},
                    {"name":"v3","persistentVolumeClaim":{"claimName":"claim"}},{"name":"v4","ephemeral":{}},
                    {"name":"v5","projected":{"sources":[{"secret":{"name":"proj-secret"}},{"configMap":{"name":"proj-cm"}}]}}],
         "initContainers":[{"name":"i","envFrom":[{"secretRef":{"name":"init-env"}}]}],
         "containers":[{"name":"c","env":[{"name":"A","valueFrom":{"configMapKeyRef":{"name":"env-cm","key":"k"}}}]}]}""";

    @Test
    void everyReferenceOfAPodIsRelatedToItsNodeOnly() throws Exception {
        NodeGraph g = new NodeGraph();
        g.setPod(pod("ns", "p", "n1", SPEC));
        for (String[] ref : new String[][]{{"secrets", "pull"}, {"secrets", "vol-secret"}, {"secrets", "proj-secret"}, {"secrets", "init-env"},
            {"configmaps", "vol-cm"}, {"configmaps", "proj-cm"}, {"configmaps", "env-cm"}, {"persistentvolumeclaims", "claim"},
            {"persistentvolumeclaims", "p-v4"}, {"serviceaccounts", "sa"}}) {
            assertThat(g.related("n1", ref[0], "ns", ref[1])).as(ref[0] + "/" + ref[1]).isTrue();
            assertThat(g.related("n2", ref[0], "ns", ref[1])).as("other node " + ref[1]).isFalse();
            assertThat(g.related("n1", ref[0], "other", ref[1])).as("other namespace " + ref[1]).isFalse();
        }
        assertThat(g.related("n1", "secrets", "ns", "unrelated")).isFalse();
        assertThat(g.nodeOf("ns", "p")).isEqualTo("n1");
    }

    @Test
    void volumesFollowClaimsAndEdgesGoWithTheirPods() throws Exception {
        NodeGraph g = new NodeGraph();
        g.setPod(pod("ns", "a", "n1", SPEC));
        g.setPod(pod("ns", "b", "n1", SPEC));
        assertThat(g.related("n1", "persistentvolumes", "", "pv-1")).isFalse();
        g.setClaim("ns", "claim", "pv-1");
        assertThat(g.related("n1", "persistentvolumes", "", "pv-1")).isTrue();
        g.removePod("ns", "a");
        assertThat(g.related("n1", "secrets", "ns", "pull")).isTrue(); // b still needs it
        g.removePod("ns", "b");
        assertThat(g.related("n1", "secrets", "ns", "pull")).isFalse();
        assertThat(g.related("n1", "persistentvolumes", "", "pv-1")).isFalse();
        // rescheduled: the pod moves with its references; unscheduled pods relate to nothing
        g.setPod(pod("ns", "c", null, SPEC));
        assertThat(g.nodeOf("ns", "c")).isNull();
        g.setPod(pod("ns", "c", "n2", SPEC));
        assertThat(g.related("n2", "configmaps", "ns", "env-cm")).isTrue();
        g.setClaim("ns", "claim", "");
        assertThat(g.related("n2", "persistentvolumes", "", "pv-1")).isFalse();
    }

    @Test
    void theNodeAuthorizerAsksTheGraph() throws Exception {
        NodeGraph g = new NodeGraph();
        g.setPod(pod("ns", "p", "n1", SPEC));
        NodeAuthorizer z = new NodeAuthorizer(g);
        UserInfo n1 = new UserInfo("system:node:n1", List.of("system:nodes", "system:authenticated"));
        assertThat(z.authorize(Attributes.resource(n1, "get", "", "secrets", "", "ns", "pull")).allowed()).isTrue();
        Decision other = z.authorize(Attributes.resource(n1, "get", "", "secrets", "", "ns", "x"));
        assertThat(other.kind()).isEqualTo(Decision.Kind.NO_OPINION);
        assertThat(other.reason()).isEqualTo("no relationship found between node 'n1' and this object");
        assertThat(z.authorize(Attributes.resource(n1, "list", "", "secrets", "", "ns", "")).allowed()).isFalse();
        assertThat(z.authorize(Attributes.resource(n1, "create", "", "serviceaccounts", "token", "ns", "sa")).allowed()).isTrue();
        assertThat(z.authorize(Attributes.resource(n1, "create", "", "serviceaccounts", "token", "ns", "other")).allowed()).isFalse();
        assertThat(z.authorize(Attributes.resource(n1, "patch", "", "pods", "status", "ns", "p")).allowed()).isTrue();
        assertThat(z.authorize(Attributes.resource(n1, "patch", "", "pods", "status", "ns", "q")).allowed()).isFalse();
        assertThat(z.authorize(Attributes.resource(n1, "update", "", "nodes", "status", "", "n1")).allowed()).isTrue();
        assertThat(z.authorize(Attributes.resource(n1, "update", "", "nodes", "status", "", "n2")).allowed()).isFalse();
        assertThat(z.authorize(Attributes.resource(n1, "update", "coordination.k8s.io", "leases", "", "kube-node-lease", "n1")).allowed()).isTrue();
        assertThat(z.authorize(Attributes.resource(n1, "update", "coordination.k8s.io", "leases", "", "default", "n1")).allowed()).isFalse();
        assertThat(z.authorize(Attributes.resource(n1, "create", "certificates.k8s.io", "certificatesigningrequests", "", "", "")).allowed()).isTrue();
        assertThat(z.authorize(Attributes.resource(n1, "delete", "apps", "deployments", "", "ns", "d")).allowed()).isFalse();
        // not a node: no opinion, whatever the name says
        UserInfo impostor = new UserInfo("system:node:n1", List.of("system:authenticated"));
        assertThat(z.authorize(Attributes.resource(impostor, "get", "", "secrets", "", "ns", "pull"))).isEqualTo(Decision.NO_OPINION);
    }
}
