package dev.beluga.apiserver.kubectl;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What kubectl users see of Services: allocated cluster IPs and node ports, and the allocator's refusals. */
class KubectlServicesTest extends KubectlServerTest {
    @Test
    void getShowsClusterIpsAndNodePorts() throws Exception {
        assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed");
        Kubectl k = new Kubectl(KUBECTL, server.kubeconfig, Files.createDirectories(dir.resolve("cache")));
        k.apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              type: NodePort
              clusterIP: 10.43.100.100
              selector: {app: web}
              ports:
              - {name: http, port: 80, targetPort: 8080, nodePort: 30080}
              - {name: dns, port: 53, protocol: UDP}
            """);
        String out = k.ok("get", "svc", "web").out();
        assertThat(out).contains("CLUSTER-IP", "PORT(S)", "NodePort", "10.43.100.100", "80:30080/TCP", "53:3");
        assertThat(k.ok("get", "svc", "-A").out()).contains("kubernetes", "10.43.0.1", "443/TCP", "kube-dns", "10.43.0.10", "53/UDP,53/TCP");

        Kubectl.Result taken = k.run("""
            apiVersion: v1
            kind: Service
            metadata: {name: web2}
            spec: {clusterIP: 10.43.100.100, ports: [{port: 80}]}
            """, "apply", "-f", "-");
        assertThat(taken.exit()).isNotZero();
        assertThat(taken.err()).contains("spec.clusterIPs: Invalid value: []string{\"10.43.100.100\"}: failed to allocate IP 10.43.100.100: provided IP is already allocated");

        k.ok("patch", "svc", "web", "-p", "{\"spec\":{\"type\":\"ClusterIP\"}}");
        assertThat(k.ok("get", "svc", "web").out()).contains("ClusterIP", "10.43.100.100", "80/TCP,53/UDP").doesNotContain("30080");
        k.apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: web2}
            spec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}
            """);
        assertThat(k.ok("get", "svc", "web2").out()).as("the released node port is free again").contains("80:30080/TCP");
    }
}
