package dev.beluga.cli;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real three-node cluster on this machine, as {@code beluga up --nodes 3} makes it: the server in the host network
 * namespace, three network namespaces joined by a bridge (addresses the test assigns), each running its own
 * {@code beluga agent} process with its own containerd; the real kubectl. A Deployment spreads over the nodes, every
 * pod serves its own name, pods reach each other across nodes by pod IP, and when a node dies (every process in its
 * namespace killed) it goes NotReady and its pod is recreated on the others. Cleans up namespaces, mounts and cgroups
 * even when it fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeClusterTest {
    static NetnsCluster cluster;
    static Path dir;
    static NetnsNodes net;
    static KubernetesClient client;
    static Path kubeconfig;
    static List<AgentProcess> agents;

    @BeforeAll
    static void start() throws Exception {
        NetnsCluster.assumeSupported();
        cluster = NetnsCluster.start(3, "3nodes");
        dir = cluster.dir;
        net = cluster.net;
        client = cluster.client;
        kubeconfig = cluster.kubeconfig;
        agents = cluster.agents;
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    static String kubectl(String... args) throws Exception {
        return cluster.kubectl(args);
    }

    static void awaitPhase(String pod, String phase, Duration timeout) throws Exception {
        cluster.awaitPhase(pod, phase, timeout);
    }

    static void await(Duration timeout, java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
        NetnsCluster.await(timeout, cond, what);
    }

    static void killAll(NetnsNodes.NetnsNode node) {
        NetnsCluster.killAll(node);
    }

    @Test
    @Order(1)
    void deploymentSpreadsOverTheNodesAndPodsReachEachOtherAcrossNodes() throws Exception {
        kubectl("apply", "-f", "-", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 3
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  terminationGracePeriodSeconds: 1
                  tolerations:
                  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
                  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
                  topologySpreadConstraints:
                  - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, nodeTaintsPolicy: Honor,
                     labelSelector: {matchLabels: {app: web}}}
                  containers:
                  - name: web
                    image: busybox:1.35
                    command: [sh, -c, 'hostname > /tmp/index.html; exec httpd -f -p 80 -h /tmp']
                    readinessProbe: {tcpSocket: {port: 80}, periodSeconds: 1}
            """);
        assertThat(kubectl("rollout", "status", "deployment/web", "--timeout=120s")).contains("successfully rolled out");
        List<Pod> pods = client.pods().inNamespace("default").withLabel("app", "web").list().getItems();
        assertThat(pods).hasSize(3);
        assertThat(pods.stream().map(p -> p.getSpec().getNodeName()).collect(Collectors.toSet()))
            .containsExactlyInAnyOrder("node-1", "node-2", "node-3");
        for (Pod p : pods) {
            assertThat(p.getStatus().getPhase()).isEqualTo("Running");
            assertThat(p.getStatus().getPodIP()).startsWith("10.42.");
            assertThat(p.getStatus().getHostIP()).startsWith(net.hostIp().substring(0, net.hostIp().lastIndexOf('.')));
        }
        String wide = kubectl("get", "pods", "-o", "wide");
        assertThat(wide).contains("node-1", "node-2", "node-3");
        // a pod on node-1 fetches every web pod's page by pod IP: each serves its own name, across nodes, without NAT
        StringBuilder script = new StringBuilder();
        for (Pod p : pods) script.append("busybox timeout 5 wget -q -O- http://").append(p.getStatus().getPodIP()).append("/index.html; ");
        kubectl("run", "client", "--image=busybox:1.35", "--restart=Never",
            "--overrides={\"spec\":{\"nodeName\":\"node-1\"}}", "--", "sh", "-c", script.toString());
        awaitPhase("client", "Succeeded", Duration.ofSeconds(60));
        String fetched = kubectl("logs", "client");
        for (Pod p : pods) assertThat(fetched).contains(p.getMetadata().getName());
        assertThat(kubectl("logs", "deployment/web")).startsWith("Found 3 pods, using pod/web-");
    }

    @Test
    @Order(2)
    void execCopyLogsAndPortForwardReachPodsOnEveryNode() throws Exception {
        for (Pod p : client.pods().inNamespace("default").withLabel("app", "web").list().getItems()) {
            String name = p.getMetadata().getName();
            assertThat(kubectl("exec", name, "--", "cat", "/tmp/index.html").trim()).as("exec on %s", p.getSpec().getNodeName()).isEqualTo(name);
        }
        String pod = client.pods().inNamespace("default").withLabel("app", "web").list().getItems().stream()
            .filter(p -> "node-3".equals(p.getSpec().getNodeName())).findFirst().orElseThrow().getMetadata().getName();
        Path local = dir.resolve("upload.txt");
        Files.writeString(local, "x".repeat(100_000) + "\nend\n");
        kubectl("cp", local.toString(), pod + ":/tmp/upload.txt");
        assertThat(kubectl("exec", pod, "--", "wc", "-c", "/tmp/upload.txt")).startsWith("100005");
        kubectl("cp", pod + ":/tmp/upload.txt", dir.resolve("download.txt").toString());
        assertThat(Files.readString(dir.resolve("download.txt"))).isEqualTo(Files.readString(local));
        // logs -f follows a pod on another node until its container ends
        kubectl("run", "talker", "--image=busybox:1.35", "--restart=Never", "--overrides={\"spec\":{\"nodeName\":\"node-2\"}}",
            "--", "sh", "-c", "for i in 1 2 3 4 5; do echo line $i; sleep 1; done");
        awaitPhase("talker", "Running", Duration.ofSeconds(60));
        assertThat(kubectl("logs", "-f", "talker")).isEqualTo("line 1\nline 2\nline 3\nline 4\nline 5\n");
        // port-forward to the pod's port 80 on node-3, from 127.0.0.1
        List<String> cmd = List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "--cache-dir", dir.resolve("kubectl-cache").toString(),
            "port-forward", "--address", "127.0.0.1", "pod/" + pod, ":80");
        Process pf = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(pf.getInputStream(), StandardCharsets.UTF_8));
            String first = reader.readLine();
            var m = java.util.regex.Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> 80").matcher(String.valueOf(first));
            assertThat(m.matches()).as(first).isTrue();
            try (var http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                var resp = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + m.group(1) + "/index.html"))
                    .timeout(Duration.ofSeconds(20)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(resp.body().trim()).isEqualTo(pod);
            }
        } finally {
            pf.destroy();
            if (!pf.waitFor(10, TimeUnit.SECONDS)) pf.destroyForcibly();
        }
    }

    @Test
    @Order(3)
    void hostPortIsReachableOnTheNodeAddress() throws Exception {
        kubectl("apply", "-f", "-", """
            apiVersion: v1
            kind: Pod
            metadata: {name: hostport}
            spec:
              nodeName: node-2
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: busybox:1.35
                command: [sh, -c, 'echo via-hostport > /tmp/index.html; exec httpd -f -p 80 -h /tmp']
                ports: [{containerPort: 80, hostPort: 30080}]
                readinessProbe: {tcpSocket: {port: 80}, periodSeconds: 1}
            """);
        kubectl("wait", "--for=condition=Ready", "pod/hostport", "--timeout=60s");
        NetnsNodes.NetnsNode node1 = net.nodes().get(0);
        String page = NetnsNodes.run("nsenter", "--net=" + node1.netnsFile(), "/bin/busybox", "timeout", "5",
            "/bin/busybox", "wget", "-q", "-O-", "http://" + net.nodes().get(1).ip() + ":30080/index.html");
        assertThat(page).isEqualTo("via-hostport\n");
        kubectl("delete", "pod", "hostport", "--wait=true");
    }

    @Test
    @Order(3)
    void latestTagWithPullPolicyAlwaysIsPulledFromTheNodesOwnMirror() throws Exception {
        // busybox (= :latest) defaults to imagePullPolicy Always: the pull must succeed without any network
        kubectl("run", "latest", "--image=busybox", "--restart=Never", "--overrides={\"spec\":{\"nodeName\":\"node-1\"}}",
            "--", "sh", "-c", "echo pulled-ok");
        awaitPhase("latest", "Succeeded", Duration.ofSeconds(60));
        assertThat(kubectl("logs", "latest")).isEqualTo("pulled-ok\n");
        Pod p = client.pods().inNamespace("default").withName("latest").get();
        assertThat(p.getSpec().getContainers().getFirst().getImagePullPolicy()).isEqualTo("Always");
        assertThat(kubectl("get", "events", "--field-selector", "involvedObject.name=latest", "-o", "jsonpath={.items[*].message}"))
            .contains("Successfully pulled image \"busybox\"");
    }

    @Test
    @Order(3)
    void restartsProbesOomJobsAndConfigurationOnTheNodes() throws Exception {
        kubectl("apply", "-f", "-", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app-config}
            data: {greeting: hello, file.txt: from-configmap}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: app-secret}
            stringData: {password: s3cret}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: crasher}
            spec:
              nodeName: node-1
              containers: [{name: main, image: 'busybox:1.35', command: [sh, -c, 'sleep 1; exit 3']}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: probed}
            spec:
              nodeName: node-2
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox:1.35
                command: [sh, -c, 'touch /tmp/alive; sleep 3; rm /tmp/alive; sleep 3600']
                livenessProbe: {exec: {command: [cat, /tmp/alive]}, periodSeconds: 1, failureThreshold: 2}
              - name: never-ready
                image: busybox:1.35
                command: [sleep, '3600']
                readinessProbe: {exec: {command: ['false']}, periodSeconds: 1}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: hog}
            spec:
              nodeName: node-3
              restartPolicy: Never
              containers:
              - name: main
                image: busybox:1.35
                command: [sh, -c, 'x=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; while true; do x=$x$x; done']
                resources: {limits: {memory: 16Mi}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: configured}
            spec:
              nodeName: node-3
              terminationGracePeriodSeconds: 1
              volumes:
              - {name: config, configMap: {name: app-config}}
              - {name: secret, secret: {secretName: app-secret}}
              containers:
              - name: main
                image: busybox:1.35
                command: [sh, -c, 'echo "$GREETING $PASSWORD"; cat /etc/config/file.txt; echo; cat /etc/secret/password; echo; exec sleep 3600']
                env:
                - {name: GREETING, valueFrom: {configMapKeyRef: {name: app-config, key: greeting}}}
                - {name: PASSWORD, valueFrom: {secretKeyRef: {name: app-secret, key: password}}}
                volumeMounts:
                - {name: config, mountPath: /etc/config}
                - {name: secret, mountPath: /etc/secret}
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: 'busybox:1.35', command: [sh, -c, 'echo done']}]
            """);
        await(Duration.ofSeconds(120), () -> restarts("crasher", "main") >= 2, "crasher restarted twice");
        await(Duration.ofSeconds(60), () -> restarts("probed", "main") >= 1, "probed restarted by its liveness probe");
        Pod probed = client.pods().inNamespace("default").withName("probed").get();
        assertThat(probed.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("False"));
        assertThat(probed.getStatus().getContainerStatuses()).anyMatch(c -> c.getName().equals("never-ready") && !c.getReady());
        awaitPhase("hog", "Failed", Duration.ofSeconds(60));
        assertThat(client.pods().inNamespace("default").withName("hog").get().getStatus().getContainerStatuses().getFirst()
            .getState().getTerminated().getReason()).isEqualTo("OOMKilled");
        awaitPhase("configured", "Running", Duration.ofSeconds(60));
        await(Duration.ofSeconds(30), () -> {
            try {
                return kubectl("logs", "configured").contains("s3cret\n");
            } catch (Exception e) {
                return false;
            }
        }, "configured's output");
        assertThat(kubectl("logs", "configured")).isEqualTo("hello s3cret\nfrom-configmap\ns3cret\n");
        kubectl("wait", "--for=condition=complete", "job/once", "--timeout=120s");
        assertThat(kubectl("get", "job", "once")).contains("Complete", "1/1");
        kubectl("delete", "pod", "crasher", "probed", "hog", "configured", "--wait=false");
    }

    static int restarts(String pod, String container) {
        Pod p = client.pods().inNamespace("default").withName(pod).get();
        if (p == null || p.getStatus() == null || p.getStatus().getContainerStatuses() == null) return 0;
        return p.getStatus().getContainerStatuses().stream().filter(c -> c.getName().equals(container))
            .mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount()).sum();
    }

    @Test
    @Order(4)
    void aDeadNodeGoesNotReadyAndItsPodMovesToTheOthers() throws Exception {
        Pod victim = client.pods().inNamespace("default").withLabel("app", "web").list().getItems().stream()
            .filter(p -> "node-3".equals(p.getSpec().getNodeName())).findFirst().orElseThrow();
        NetnsNodes.NetnsNode node3 = net.nodes().get(2);
        agents.get(2).stop(Duration.ZERO);
        killAll(node3);
        await(Duration.ofSeconds(90), () -> !UpCommand.isReady(client.nodes().withName("node-3").get()), "node-3 not Ready");
        await(Duration.ofSeconds(30), () -> {
            Node n3 = client.nodes().withName("node-3").get();
            return n3.getSpec().getTaints() != null
                && n3.getSpec().getTaints().stream().anyMatch(t -> t.getKey().equals("node.kubernetes.io/unreachable"));
        }, "node-3 tainted unreachable");
        // the evicted pod stays Terminating (no kubelet confirms it), as upstream; its replacement runs elsewhere
        try {
            await(Duration.ofSeconds(90), () -> client.pods().inNamespace("default").withLabel("app", "web").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && "Running".equals(p.getStatus().getPhase())
                    && Set.of("node-1", "node-2").contains(p.getSpec().getNodeName())).count() == 3, "three web pods Running on node-1 and node-2");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + kubectl("get", "pods", "-o", "wide") + kubectl("get", "events", "--sort-by=.lastTimestamp"), e);
        }
        Pod old = client.pods().inNamespace("default").withName(victim.getMetadata().getName()).get();
        assertThat(old == null || old.getMetadata().getDeletionTimestamp() != null).as("the victim is deleted or terminating").isTrue();
    }

}
