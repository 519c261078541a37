package dev.beluga.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Services on a real three-node cluster (network namespaces, real containerd, real kubectl): cluster IPs balanced
 * over pods on every node by the agents' nftables proxies, following scaling and readiness; node ports from a
 * machine next to the cluster; LoadBalancer ingress; cluster DNS; service environment variables; an agent restart
 * that keeps Service traffic flowing. Requests come from a busybox pod (busybox's wget, bounded by {@code timeout}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServicesClusterTest {
    static NetnsCluster cluster;
    static NetnsNodes.NetnsNode outside;

    @BeforeAll
    static void start() throws Exception {
        NetnsCluster.assumeSupported();
        cluster = NetnsCluster.start(3, "services");
        outside = cluster.net.addClient("outside");
        cluster.kubectl("apply", "-f", "-", """
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
                  topologySpreadConstraints:
                  - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
                  containers:
                  - name: web
                    image: busybox:1.35
                    command: [sh, -c, 'hostname > /tmp/index.html; touch /tmp/ready; exec httpd -f -p 8080 -h /tmp']
                    ports: [{name: http, containerPort: 8080}]
                    readinessProbe:
                      exec: {command: [test, -f, /tmp/ready]}
                      periodSeconds: 1
                      failureThreshold: 1
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports: [{name: http, port: 80, targetPort: http}]
            """);
        cluster.kubectl("run", "client", "--image=busybox:1.35", "--restart=Never", "--", "sleep", "3600");
        cluster.awaitPhase("client", "Running", Duration.ofSeconds(120));
        awaitReadyWeb(3);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    /** Waits until {@code n} web pods are ready and the Service's slices list exactly them as ready. */
    static void awaitReadyWeb(int n) throws Exception {
        NetnsCluster.await(Duration.ofSeconds(120), () -> webPods().size() == n && readyEndpoints("web") == n, n + " ready web endpoints");
    }

    static Map<String, String> webPods() {
        return cluster.client.pods().inNamespace("default").withLabel("app", "web").list().getItems().stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus().getConditions() != null
                && p.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")))
            .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getSpec().getNodeName(), (a, b) -> a, TreeMap::new));
    }

    static long readyEndpoints(String service) {
        return cluster.client.discovery().v1().endpointSlices().inNamespace("default").withLabel("kubernetes.io/service-name", service)
            .list().getItems().stream().flatMap(s -> s.getEndpoints() == null ? java.util.stream.Stream.empty() : s.getEndpoints().stream())
            .filter(e -> e.getConditions() != null && Boolean.TRUE.equals(e.getConditions().getReady())).count();
    }

    /** A line kubectl logs to its stderr (klog: {@code E1203 22:09:48.877818   15082 websocket.go:296] ...}). */
    private static final java.util.regex.Pattern KLOG = java.util.regex.Pattern.compile("^[IWEF]\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d+\\s+\\d+ \\S+:\\d+\\] .*");

    /**
     * The pages of {@code count} requests to {@code url} from the client pod (a failed request counts as "FAILED").
     * kubectl's own log lines, which share the output, are left out: once a CI run's kubectl logged "Unknown stream id
     * 1, discarding message" there, which counted as a third page.
     */
    static Map<String, Integer> requests(String url, int count) throws Exception {
        String out = cluster.kubectl("exec", "client", "--", "sh", "-c",
            "for i in $(seq 1 " + count + "); do timeout 5 wget -q -O- " + url + " || echo FAILED; done");
        Map<String, Integer> hits = new TreeMap<>();
        for (String line : out.lines().map(String::strip).filter(l -> !l.isEmpty() && !KLOG.matcher(l).matches()).toList()) {
            hits.merge(line, 1, Integer::sum);
        }
        return hits;
    }

    static Service service(String name) {
        return cluster.client.services().inNamespace("default").withName(name).get();
    }

    @Test
    @Order(1)
    void theClusterIpReachesEveryBackendOnEveryNode() throws Exception {
        Service web = service("web");
        assertThat(web.getSpec().getClusterIP()).startsWith("10.43.");
        Map<String, String> pods = webPods();
        assertThat(new HashSet<>(pods.values())).containsExactlyInAnyOrder("node-1", "node-2", "node-3");
        Map<String, Integer> hits = requests("http://" + web.getSpec().getClusterIP() + "/", 60);
        assertThat(hits.keySet()).as("60 requests: %s", hits).isEqualTo(pods.keySet());
    }

    @Test
    @Order(2)
    void scalingUpAddsBackendsAndScalingDownRemovesThem() throws Exception {
        String ip = service("web").getSpec().getClusterIP();
        cluster.kubectl("scale", "deployment", "web", "--replicas=5");
        awaitReadyWeb(5);
        Map<String, Integer> hits = requests("http://" + ip + "/", 80);
        assertThat(hits.keySet()).as("80 requests: %s", hits).isEqualTo(webPods().keySet());
        cluster.kubectl("scale", "deployment", "web", "--replicas=1");
        awaitReadyWeb(1);
        Set<String> left = webPods().keySet();
        hits = requests("http://" + ip + "/", 20);
        assertThat(hits.keySet()).as("20 requests: %s", hits).isEqualTo(left);
        cluster.kubectl("scale", "deployment", "web", "--replicas=3");
        awaitReadyWeb(3);
    }

    @Test
    @Order(3)
    void aNotReadyPodGetsNoTraffic() throws Exception {
        String ip = service("web").getSpec().getClusterIP();
        String sick = webPods().keySet().iterator().next();
        cluster.kubectl("exec", sick, "--", "rm", "/tmp/ready");
        try {
            NetnsCluster.await(Duration.ofSeconds(60), () -> readyEndpoints("web") == 2, "2 ready endpoints");
            Map<String, Integer> hits = requests("http://" + ip + "/", 30);
            assertThat(hits).as("30 requests").doesNotContainKey(sick).doesNotContainKey("FAILED").hasSize(2);
        } finally {
            // ready again even when this test fails, so that the later tests' services find three backends
            cluster.kubectl("exec", sick, "--", "touch", "/tmp/ready");
        }
        NetnsCluster.await(Duration.ofSeconds(60), () -> readyEndpoints("web") == 3, "3 ready endpoints");
    }

    @Test
    @Order(4)
    void aNodePortAnswersOnEveryNodeFromOutsideTheCluster() throws Exception {
        cluster.kubectl("expose", "deployment", "web", "--name=web-np", "--type=NodePort", "--port=80", "--target-port=8080");
        int nodePort = service("web-np").getSpec().getPorts().get(0).getNodePort();
        assertThat(nodePort).isBetween(30000, 32767);
        NetnsCluster.await(Duration.ofSeconds(30), () -> readyEndpoints("web-np") == 3, "web-np endpoints");
        for (NetnsNodes.NetnsNode node : cluster.net.nodes()) awaitAnswer("http://" + node.ip() + ":" + nodePort + "/");
        for (NetnsNodes.NetnsNode node : cluster.net.nodes()) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 12; i++) seen.add(fromOutside("http://" + node.ip() + ":" + nodePort + "/"));
            assertThat(seen).as("via %s", node.name()).doesNotContain("FAILED").isSubsetOf(webPods().keySet()).hasSizeGreaterThan(1);
        }
    }

    @Test
    @Order(5)
    void aLoadBalancerServiceAnswersOnItsIngressAddress() throws Exception {
        cluster.kubectl("expose", "deployment", "web", "--name=web-lb", "--type=LoadBalancer", "--port=8081", "--target-port=8080");
        NetnsCluster.await(Duration.ofSeconds(60), () -> {
            Service s = service("web-lb");
            return s.getStatus().getLoadBalancer() != null && s.getStatus().getLoadBalancer().getIngress() != null
                && s.getStatus().getLoadBalancer().getIngress().size() == 3;
        }, "web-lb ingress");
        assertThat(cluster.kubectl("get", "svc", "web-lb")).contains(cluster.net.nodes().get(0).ip());
        NetnsCluster.await(Duration.ofSeconds(30), () -> readyEndpoints("web-lb") == 3, "web-lb endpoints");
        String ingress = service("web-lb").getStatus().getLoadBalancer().getIngress().get(1).getIp();
        awaitAnswer("http://" + ingress + ":8081/");
        for (int i = 0; i < 6; i++) assertThat(fromOutside("http://" + ingress + ":8081/")).isIn(webPods().keySet());
    }

    @Test
    @Order(6)
    void podsStartedAfterAServiceSeeItsEnvironmentVariables() throws Exception {
        cluster.kubectl("run", "env-reader", "--image=busybox:1.35", "--restart=Never", "--", "sh", "-c", "env; sleep 3600");
        cluster.awaitPhase("env-reader", "Running", Duration.ofSeconds(60));
        String env = cluster.kubectl("exec", "env-reader", "--", "env");
        assertThat(env).contains("WEB_SERVICE_HOST=" + service("web").getSpec().getClusterIP(), "WEB_SERVICE_PORT=80",
            "WEB_SERVICE_PORT_HTTP=80", "WEB_PORT=tcp://" + service("web").getSpec().getClusterIP() + ":80", "KUBERNETES_SERVICE_HOST=10.43.0.1");
    }

    @Test
    @Order(7)
    void servicesAreFoundByNameThroughTheClusterDnsOverUdp() throws Exception {
        Map<String, Integer> hits = requests("http://web/", 30);
        Map<String, Integer> fqdn = requests("http://web.default.svc.cluster.local/", 30);
        Set<String> both = new HashSet<>(hits.keySet());
        both.addAll(fqdn.keySet());
        assertThat(both).as("web: %s, fqdn: %s", hits, fqdn).isEqualTo(webPods().keySet());
        // from a pod on every node (each node answers its own pods' queries): busybox's nslookup does not apply the
        // search path (as with CoreDNS, `nslookup kubernetes.default` needs busybox <= 1.28), so it asks the full name;
        // the C library's resolver (ping's) applies it
        for (String pod : webPods().keySet()) {
            String out = cluster.kubectl("exec", pod, "--", "nslookup", "kubernetes.default.svc.cluster.local");
            assertThat(out).as(pod).contains("Address: 10.43.0.1");
            out = cluster.kubectl("exec", pod, "--", "sh", "-c", "ping -c 1 -W 1 kubernetes.default 2>&1; true");
            assertThat(out).as(pod).contains("PING kubernetes.default (10.43.0.1)");
        }
        String dns = cluster.kubectl("exec", "client", "--", "cat", "/etc/resolv.conf");
        assertThat(dns).contains("nameserver 10.43.0.10", "search default.svc.cluster.local svc.cluster.local cluster.local", "ndots:5");
        assertThat(cluster.kubectl("get", "endpointslices", "-n", "kube-system", "-l", "kubernetes.io/service-name=kube-dns"))
            .contains("kube-dns-node-1", "kube-dns-node-2", "kube-dns-node-3");
    }

    @Test
    @Order(8)
    void aHeadlessServiceResolvesToPodIpsAndAStatefulSetPodByItsName() throws Exception {
        cluster.kubectl("apply", "-f", "-", """
            apiVersion: v1
            kind: Service
            metadata: {name: db}
            spec:
              clusterIP: None
              selector: {app: db}
              ports: [{name: tcp, port: 5000}]
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              replicas: 2
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers: [{name: db, image: 'busybox:1.35', command: [sleep, '3600']}]
            """);
        NetnsCluster.await(Duration.ofSeconds(120), () -> readyEndpoints("db") == 2, "2 db endpoints");
        Map<String, String> ips = cluster.client.pods().inNamespace("default").withLabel("app", "db").list().getItems().stream()
            .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getStatus().getPodIP()));
        String all = cluster.kubectl("exec", "client", "--", "nslookup", "db.default.svc.cluster.local");
        assertThat(all).contains(ips.get("db-0"), ips.get("db-1"));
        String one = cluster.kubectl("exec", "client", "--", "nslookup", "db-0.db.default.svc.cluster.local");
        assertThat(one).contains(ips.get("db-0")).doesNotContain(ips.get("db-1"));
    }

    @Test
    @Order(9)
    void podsReachAMachineOutsideTheClusterThroughTheirNode() throws Exception {
        // the outside machine has no route to the pod network: only a masqueraded connection gets an answer back
        Process server = new ProcessBuilder("ip", "netns", "exec", outside.netns(), "socat", "TCP4-LISTEN:8099,fork,reuseaddr",
            "SYSTEM:echo HTTP/1.0 200 OK; echo; echo outside").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String url = "http://" + outside.ip() + ":8099/";
            NetnsCluster.await(Duration.ofSeconds(20), () -> {
                try {
                    return requests(url, 1).containsKey("outside");
                } catch (Exception e) {
                    return false;
                }
            }, url + " from the client pod");
        } finally {
            server.destroy();
            server.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(20)
    void restartingAnAgentKeepsServiceTrafficFlowing() throws Exception {
        String ip = service("web").getSpec().getClusterIP();
        String clientNode = cluster.client.pods().inNamespace("default").withName("client").get().getSpec().getNodeName();
        int index = clientNode.equals("node-1") ? 1 : 0; // another node than the client's (exec goes through its agent)
        NetnsNodes.NetnsNode node = cluster.net.nodes().get(index);
        cluster.agents.get(index).crash(); // the agent and its containerd die; containers and the node's rules stay
        assertThat(curl(node.netns(), "http://" + ip + "/")).as("from %s itself, its agent down", node.name()).isIn(webPods().keySet());
        Map<String, Integer> hits = requests("http://" + ip + "/", 12);
        assertThat(hits).as("while the agent is down").doesNotContainKey("FAILED");
        cluster.agents.set(index, cluster.agents.get(index).startAgain());
        java.nio.file.Path log = cluster.agents.get(index).log();
        NetnsCluster.await(Duration.ofSeconds(90), () -> {
            try {
                return java.nio.file.Files.readString(log).split("node agent " + node.name() + " started", -1).length > 2;
            } catch (java.io.IOException e) {
                return false;
            }
        }, node.name() + "'s agent started again");
        // the restarted agent probes its pods' readiness afresh (as a restarted kubelet does: not ready until the first
        // probe passes), so its pod may leave the endpoints for a moment; then every pod gets traffic again
        NetnsCluster.await(Duration.ofSeconds(60), () -> {
            try {
                return webPods().size() == 3 && requests("http://" + ip + "/", 20).keySet().equals(webPods().keySet());
            } catch (Exception e) {
                return false;
            }
        }, "every web pod reached after the restart");
        assertThat(curl(node.netns(), "http://" + ip + "/")).as("from %s after the restart", node.name()).isIn(webPods().keySet());
    }

    /** Waits until the node proxies have programmed a new Service: {@code url} answers from outside. */
    static void awaitAnswer(String url) throws Exception {
        NetnsCluster.await(Duration.ofSeconds(20), () -> {
            try {
                return !fromOutside(url).equals("FAILED");
            } catch (Exception e) {
                return false;
            }
        }, url + " to answer");
    }

    /** One request from the namespace outside the cluster (curl); the page or "FAILED". */
    static String fromOutside(String url) throws Exception {
        return curl(outside.netns(), url);
    }

    /** One request with curl from inside network namespace {@code netns}; the page or "FAILED". */
    static String curl(String netns, String url) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", netns, "curl", "-s", "-f", "--max-time", "5", url)
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return p.exitValue() == 0 ? out : "FAILED";
    }

}
