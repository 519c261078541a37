package dev.beluga.apiserver.testing;

import dev.beluga.apiserver.ApiServer;
import dev.beluga.apiserver.bootstrap.NodeBootstrap;
import dev.beluga.apiserver.services.ServiceNetwork;
import dev.beluga.pki.ClusterPki;
import dev.beluga.pki.Kubeconfig;
import dev.beluga.pki.NodeToken;
import dev.beluga.store.embedded.EmbeddedStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.nio.file.Path;
import java.util.List;

/** An API server on a free loopback port over an embedded store, with an admin kubeconfig, for tests. */
public final class TestServer implements AutoCloseable {
    public final EmbeddedStore store;
    public final ApiServer api;
    public final Path kubeconfig;
    public final ClusterPki pki;
    /** The node join token the server accepts, or null when it has no join endpoints. */
    public final NodeToken token;
    private final String bindAddress;

    public TestServer(Path dir) throws Exception {
        this(dir, 0);
    }

    /**
     * With the node join endpoints ({@code /cacerts}, {@code /v1-beluga/node-credentials}) accepting the token with
     * {@code secret}, listening on {@code bindAddress} (a loopback address).
     */
    public static TestServer withNodeBootstrap(Path dir, String bindAddress, String secret) throws Exception {
        return new TestServer(dir, bindAddress, 0, ServiceNetwork.defaults(), secret, dev.beluga.apiserver.metrics.MetricsScraper.DEFAULT_RESOLUTION);
    }

    /** On a given port (0 = any), e.g. to restart a server where clients expect it. */
    public TestServer(Path dir, int port) throws Exception {
        this(dir, port, ServiceNetwork.defaults());
    }

    /** With Services' cluster IPs and node ports from {@code services}. */
    public TestServer(Path dir, int port, ServiceNetwork services) throws Exception {
        this(dir, "127.0.0.1", port, services, null, dev.beluga.apiserver.metrics.MetricsScraper.DEFAULT_RESOLUTION);
    }

    /** Scraping the kubelets' resource metrics (metrics.k8s.io) every {@code metricsResolution}. */
    public TestServer(Path dir, java.time.Duration metricsResolution) throws Exception {
        this(dir, "127.0.0.1", 0, ServiceNetwork.defaults(), null, metricsResolution);
    }

    private TestServer(Path dir, String bindAddress, int port, ServiceNetwork services, String joinSecret,
                       java.time.Duration metricsResolution) throws Exception {
        this.bindAddress = bindAddress;
        store = EmbeddedStore.open(dir.resolve("db"));
        pki = ClusterPki.loadOrCreate(dir.resolve("tls"), List.of(), List.of());
        char[] pw = "test".toCharArray();
        api = new ApiServer(new ApiServer.Config(bindAddress, port, ApiServer.Tls.fromPki(pki, pw), "test").withServices(services)
            .withMetricsResolution(metricsResolution), store, new PrometheusRegistry())
            .withServiceAccountTokens(new dev.beluga.apiserver.serviceaccount.TokenIssuerConfig(
                dev.beluga.apiserver.serviceaccount.TokenIssuerConfig.DEFAULT_ISSUER, List.of(), pki::serviceAccountKey));
        token = joinSecret == null ? null : NodeToken.forCa(pki.caBundlePem(), joinSecret);
        if (token != null)
            api.withNodeBootstrap(() -> new NodeBootstrap(pki.caBundlePem(), pki.ca(), token, ClusterPki.LEAF_VALIDITY));
        api.start();
        kubeconfig = dir.resolve("kubeconfig.yaml");
        Kubeconfig.write(kubeconfig, Kubeconfig.withClientCertificate(url(), pki.caCertificate(), pki.admin()));
    }

    /** A fabric8 client with the admin kubeconfig (the caller closes it). */
    public io.fabric8.kubernetes.client.KubernetesClient adminClient() throws java.io.IOException {
        return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(java.nio.file.Files.readString(kubeconfig))).build();
    }

    /**
     * A JDK HTTP client trusting the cluster CA, presenting the admin client certificate ({@code withAdminCertificate})
     * or no certificate at all (for bearer tokens and anonymous requests).
     */
    public java.net.http.HttpClient httpClient(boolean withAdminCertificate) throws java.security.GeneralSecurityException, java.io.IOException {
        return java.net.http.HttpClient.newBuilder().sslContext(tls(withAdminCertificate)).build();
    }

    /** TLS trusting the cluster CA, presenting the admin client certificate ({@code withAdminCertificate}) or none. */
    public javax.net.ssl.SSLContext tls(boolean withAdminCertificate) throws java.security.GeneralSecurityException, java.io.IOException {
        javax.net.ssl.KeyManager[] keys = null;
        if (withAdminCertificate) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("a", pki.admin().key(), new char[0], pki.admin().chain().toArray(java.security.cert.Certificate[]::new));
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            keys = kmf.getKeyManagers();
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(pki.trustStore());
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(keys, tmf.getTrustManagers(), null);
        return ssl;
    }

    /** The server's URL, {@code https://<bind address>:<port>}. */
    public String url() {
        return "https://" + bindAddress + ":" + api.port();
    }

    @Override
    public void close() throws Exception {
        api.close();
        store.close();
    }
}
