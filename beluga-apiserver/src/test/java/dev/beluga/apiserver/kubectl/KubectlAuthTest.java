package dev.beluga.apiserver.kubectl;

import dev.beluga.pki.Kubeconfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real kubectl under RBAC: the Forbidden text, {@code auth can-i} (and {@code --list}), {@code create rolebinding}, {@code --as}. */
class KubectlAuthTest extends KubectlServerTest {
    private static Kubectl.Result eventually(Kubectl k, String expected, String... args) throws Exception {
        Kubectl.Result r = k.run(null, args);
        for (int i = 0; i < 50 && !r.out().contains(expected); i++) {
            Thread.sleep(100);
            r = k.run(null, args);
        }
        return r;
    }

    @Test
    void forbiddenCanIRoleBindingAndImpersonation() throws Exception {
        assumeTrue(Files.isExecutable(KUBECTL), "kubectl not installed");
        Path aliceConfig = dir.resolve("alice.yaml");
        Kubeconfig.write(aliceConfig, Kubeconfig.withClientCertificate(server.url(), server.pki.caCertificate(),
            server.pki.ca().issueClient("alice", List.of(), Duration.ofHours(1))));
        Kubectl admin = new Kubectl(KUBECTL, server.kubeconfig, Files.createDirectories(dir.resolve("cache-admin")));
        Kubectl alice = new Kubectl(KUBECTL, aliceConfig, Files.createDirectories(dir.resolve("cache-alice")));

        Kubectl.Result denied = alice.run(null, "get", "pods", "-n", "default");
        assertThat(denied.exit()).isEqualTo(1);
        assertThat(denied.err()).contains("Error from server (Forbidden): pods is forbidden: User \"alice\" cannot list resource"
            + " \"pods\" in API group \"\" in the namespace \"default\"");
        Kubectl.Result no = alice.run(null, "auth", "can-i", "list", "pods", "-n", "default");
        assertThat(no.out().trim()).isEqualTo("no");
        assertThat(no.exit()).isEqualTo(1);
        assertThat(alice.run(null, "auth", "can-i", "create", "selfsubjectaccessreviews.authorization.k8s.io").out().trim()).isEqualTo("yes");

        assertThat(admin.ok("create", "rolebinding", "alice-view", "--clusterrole=view", "--user=alice", "-n", "default").out())
            .contains("rolebinding.rbac.authorization.k8s.io/alice-view created");
        Kubectl.Result yes = eventually(alice, "yes", "auth", "can-i", "list", "pods", "-n", "default");
        assertThat(yes.out().trim()).isEqualTo("yes");
        assertThat(alice.ok("get", "pods", "-n", "default").exit()).isZero();
        assertThat(alice.run(null, "auth", "can-i", "delete", "pods", "-n", "default").out().trim()).isEqualTo("no");
        Kubectl.Result list = alice.ok("auth", "can-i", "--list", "-n", "default");
        assertThat(list.out()).contains("Resources", "Verbs", "pods ", "[get list watch]", "selfsubjectaccessreviews.authorization.k8s.io");

        assertThat(admin.ok("--as", "alice", "auth", "can-i", "list", "pods", "-n", "default").out().trim()).isEqualTo("yes");
        Kubectl.Result asAlice = admin.run(null, "--as", "alice", "get", "pods", "-n", "kube-system");
        assertThat(asAlice.exit()).isEqualTo(1);
        assertThat(asAlice.err()).contains("pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the"
            + " namespace \"kube-system\"");
        Kubectl.Result asBob = alice.run(null, "--as", "bob", "get", "pods");
        assertThat(asBob.err()).contains("users \"bob\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API"
            + " group \"\" at the cluster scope");
        Kubectl.Result whoami = admin.ok("--as", "carol", "--as-group", "devs", "auth", "whoami");
        assertThat(whoami.out()).contains("carol", "devs", "system:authenticated");

        // escalation: alice may not hand out what she does not hold
        assertThat(admin.ok("create", "rolebinding", "alice-admin", "--clusterrole=admin", "--user=alice", "-n", "default").exit()).isZero();
        eventually(alice, "yes", "auth", "can-i", "create", "rolebindings", "-n", "default");
        Kubectl.Result grab = alice.run(null, "create", "rolebinding", "grab", "--clusterrole=cluster-admin", "--user=alice", "-n", "default");
        assertThat(grab.exit()).isEqualTo(1);
        assertThat(grab.err()).contains("rolebindings.rbac.authorization.k8s.io \"grab\" is forbidden: user \"alice\"",
            "is attempting to grant RBAC permissions not currently held");
        assertThat(alice.ok("create", "rolebinding", "bob-view", "--clusterrole=view", "--user=bob", "-n", "default").exit()).isZero();
    }
}
