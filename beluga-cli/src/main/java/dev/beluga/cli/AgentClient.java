package dev.beluga.cli;

import dev.beluga.agent.AgentSerialization;
import dev.beluga.agent.certificates.RotatingClientTls;
import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.Context;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The node agent's API client: a fabric8 client over {@link AgentSerialization} (no class-path scan of fabric8's
 * model modules). fabric8's own kubeconfig loader parses through the static {@code Serialization}, which scans, so a
 * kubeconfig of the plain kind Beluga writes (server, CA, client certificate and key or a token, inline or as files)
 * is read here; anything else (exec plugins, auth providers, basic auth) goes to fabric8's loader, which handles it
 * all at the cost of the scan.
 */
final class AgentClient {
    private AgentClient() {}

    /** A client for {@code kubeconfig}, with the same limits as {@link ControlPlaneComponents#client}. */
    static KubernetesClient create(Path kubeconfig) throws IOException {
        String text = Files.readString(kubeconfig);
        Config config = plain(AgentSerialization.INSTANCE.unmarshal(text, io.fabric8.kubernetes.api.model.Config.class))
            .orElseGet(() -> Config.fromKubeconfig(text));
        ControlPlaneComponents.unlimited(config);
        return new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(AgentSerialization.INSTANCE).build();
    }

    /**
     * The client of a joined node: {@code server} over {@code tls} (its client certificate and the cluster CA), built
     * without reading the kubeconfig the join wrote for the user's tools — parsing YAML would load fabric8's YAML
     * reader (~140 classes) for the agent's life.
     */
    static KubernetesClient joined(String server, RotatingClientTls tls) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server).build();
        ControlPlaneComponents.unlimited(config);
        return new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(AgentSerialization.INSTANCE)
            .withHttpClientFactory(tls.httpClientFactory()).build();
    }

    /** The client configuration of a plain kubeconfig's current context, or empty when it needs more than that. */
    static Optional<Config> plain(io.fabric8.kubernetes.api.model.Config kubeconfig) {
        Context context = find(kubeconfig.getContexts(), NamedContext::getName, kubeconfig.getCurrentContext())
            .map(NamedContext::getContext).orElse(null);
        if (context == null) return Optional.empty();
        Cluster cluster = find(kubeconfig.getClusters(), NamedCluster::getName, context.getCluster())
            .map(NamedCluster::getCluster).orElse(null);
        AuthInfo user = find(kubeconfig.getUsers(), NamedAuthInfo::getName, context.getUser())
            .map(NamedAuthInfo::getUser).orElse(null);
        if (cluster == null || cluster.getServer() == null || user == null) return Optional.empty();
        if (user.getExec() != null || user.getAuthProvider() != null || user.getUsername() != null
            || user.getAs() != null || cluster.getProxyUrl() != null) {
            return Optional.empty();
        }
        ConfigBuilder b = new ConfigBuilder(Config.empty()).withMasterUrl(cluster.getServer())
            .withTrustCerts(Boolean.TRUE.equals(cluster.getInsecureSkipTlsVerify()))
            .withCaCertData(cluster.getCertificateAuthorityData()).withCaCertFile(cluster.getCertificateAuthority())
            .withClientCertData(user.getClientCertificateData()).withClientCertFile(user.getClientCertificate())
            .withClientKeyData(user.getClientKeyData()).withClientKeyFile(user.getClientKey())
            .withOauthToken(user.getToken());
        if (user.getClientKeyData() != null || user.getClientKey() != null) {
            b.withClientKeyAlgo(Config.getKeyAlgorithm(user.getClientKey(), user.getClientKeyData()));
        }
        if (context.getNamespace() != null) b.withNamespace(context.getNamespace());
        return Optional.of(b.build());
    }

    private static <T> Optional<T> find(List<T> items, Function<T, String> name, String wanted) {
        if (items == null || wanted == null) return Optional.empty();
        return items.stream().filter(i -> wanted.equals(name.apply(i))).findFirst();
    }
}
