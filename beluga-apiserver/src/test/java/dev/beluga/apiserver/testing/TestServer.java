package dev.beluga.apiserver.testing;

import dev.beluga.apiserver.ApiServer;
import dev.beluga.apiserver.services.ServiceNetwork;
import dev.beluga.pki.ClusterPki;
import dev.beluga.pki.Kubeconfig;
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

    public TestServer(Path dir) throws Exception {
        this(dir, 0);
    }

    /** On a given port (0 = any), e.g. to restart a server where clients expect it. */
    public TestServer(Path dir, int port) throws Exception {
        this(dir, port, ServiceNetwork.defaults());
    }

    /** With Services' cluster IPs and node ports from {@code services}. */
    public TestServer(Path dir, int port, ServiceNetwork services) throws Exception {
        store = EmbeddedStore.open(dir.resolve("db"));
        pki = ClusterPki.loadOrCreate(dir.resolve("tls"), List.of(), List.of());
        char[] pw = "test".toCharArray();
        api = new ApiServer(new ApiServer.Config("127.0.0.1", port, ApiServer.Tls.fromPki(pki, pw), "test").withServices(services),
            store, new PrometheusRegistry());
        api.start();
        kubeconfig = dir.resolve("kubeconfig.yaml");
        Kubeconfig.write(kubeconfig, Kubeconfig.withClientCertificate("https://127.0.0.1:" + api.port(), pki.caCertificate(), pki.admin()));
    }

    @Override
    public void close() throws Exception {
        api.close();
        store.close();
    }
}
