package dev.beluga.cli;

import dev.beluga.agent.AgentSerialization;
import dev.beluga.pki.ClusterPki;
import dev.beluga.pki.Kubeconfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentClientTest {
    @TempDir
    Path dir;

    private io.fabric8.kubernetes.api.model.Config parse(String yaml) {
        return AgentSerialization.INSTANCE.unmarshal(yaml, io.fabric8.kubernetes.api.model.Config.class);
    }

    @Test
    void aKubeconfigBelugaWritesIsReadWithItsServerCaAndClientCertificate() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(dir.resolve("pki"), List.of(), List.of());
        String yaml = Kubeconfig.withClientCertificate("https://10.0.0.1:6443", pki.caCertificate(), pki.admin());

        Config config = AgentClient.plain(parse(yaml)).orElseThrow();

        assertEquals("https://10.0.0.1:6443/", config.getMasterUrl());
        assertNotNull(config.getCaCertData());
        assertNotNull(config.getClientCertData());
        assertNotNull(config.getClientKeyData());
        assertEquals(Config.getKeyAlgorithm(null, config.getClientKeyData()), config.getClientKeyAlgo());
        // and fabric8 accepts the key: building a client makes the key store
        Path file = dir.resolve("kubeconfig.yaml");
        Files.writeString(file, yaml);
        try (KubernetesClient client = AgentClient.create(file)) {
            assertEquals("https://10.0.0.1:6443/", client.getConfiguration().getMasterUrl());
        }
    }

    @Test
    void kubeconfigsNeedingMoreThanCertificatesOrTokensAreLeftToFabric8() {
        String exec = """
            apiVersion: v1
            kind: Config
            current-context: c
            contexts: [{name: c, context: {cluster: k, user: u}}]
            clusters: [{name: k, cluster: {server: "https://127.0.0.1:6443"}}]
            users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: get-token}}}]
            """;
        assertEquals(Optional.empty(), AgentClient.plain(parse(exec)));
        String noContext = exec.replace("current-context: c", "current-context: other");
        assertEquals(Optional.empty(), AgentClient.plain(parse(noContext)));
        String token = exec.replace("{exec: {apiVersion: client.authentication.k8s.io/v1, command: get-token}}", "{token: abc}");
        assertEquals("abc", AgentClient.plain(parse(token)).orElseThrow().getOauthToken());
    }

    @Test
    void watchEventsOfTheAgentsKindsAreTypedWithoutTheClassPathScan() {
        WatchEvent event = AgentSerialization.INSTANCE.unmarshal(
            "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}}", WatchEvent.class);
        assertInstanceOf(Pod.class, event.getObject());
        WatchEvent error = AgentSerialization.INSTANCE.unmarshal(
            "{\"type\":\"ERROR\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\"}}", WatchEvent.class);
        assertInstanceOf(io.fabric8.kubernetes.api.model.Status.class, error.getObject());
        assertTrue(AgentSerialization.KINDS.contains(io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice.class));
    }
}
