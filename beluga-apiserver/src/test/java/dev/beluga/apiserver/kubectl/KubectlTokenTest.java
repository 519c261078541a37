package dev.beluga.apiserver.kubectl;

import dev.beluga.pki.Kubeconfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real kubectl 1.32 with service-account tokens: {@code kubectl create token} (protobuf TokenRequest), then
 * {@code kubectl auth whoami} and {@code get} with that token ({@code --token}, through a kubeconfig that has no
 * client certificate), and the errors kubectl shows.
 */
class KubectlTokenTest extends KubectlServerTest {
    @Test
    void createTokenThenWhoamiWithTheToken() throws Exception {
        assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed");
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Kubectl admin = new Kubectl(KUBECTL, server.kubeconfig, cache);
        admin.ok("create", "serviceaccount", "default");
        String token = admin.ok("create", "token", "default").out().trim();
        assertThat(token.split("\\.")).hasSize(3);

        Path anonymous = dir.resolve("no-credentials.yaml");
        Kubeconfig.writeWithToken(anonymous, server.url(), server.pki.caCertificate(), "not-a-valid-token");
        Kubectl withToken = new Kubectl(KUBECTL, anonymous, cache);
        Kubectl.Result who = withToken.ok("auth", "whoami", "--token", token);
        // authenticated, but RBAC grants a service account nothing until it is bound
        assertThat(withToken.run(null, "get", "namespaces", "--token", token).err())
            .contains("namespaces is forbidden: User \"system:serviceaccount:default:default\" cannot list resource \"namespaces\"");
        admin.ok("create", "clusterrolebinding", "default-view", "--clusterrole=view", "--serviceaccount=default:default");
        assertThat(who.out()).contains("system:serviceaccount:default:default")
            .contains("[system:serviceaccounts system:serviceaccounts:default system:authenticated]");
        assertThat(withToken.ok("get", "namespaces", "--token", token).out()).contains("kube-system");
        Kubectl.Result refused = withToken.run(null, "get", "namespaces");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("Unauthorized");

        Kubectl.Result tooShort = admin.run(null, "create", "token", "default", "--duration", "1m");
        assertThat(tooShort.exit()).isNotZero();
        assertThat(tooShort.err()).contains("may not specify a duration less than 10 minutes");
        Kubectl.Result missing = admin.run(null, "create", "token", "nobody");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("serviceaccounts \"nobody\" not found");

        admin.ok("create", "serviceaccount", "robot");
        String audienceToken = admin.ok("create", "token", "robot", "--audience", "vault", "--duration", "20m").out().trim();
        assertThat(withToken.run(null, "auth", "whoami", "--token", audienceToken).err()).contains("Unauthorized");
    }
}
