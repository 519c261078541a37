package dev.beluga.agent;

import dev.beluga.agent.images.BuiltinImages;
import dev.beluga.agent.pods.ApiObjectSource;
import dev.beluga.agent.pods.ClusterPodResources;
import dev.beluga.agent.testing.NodeTestEnv;
import dev.beluga.apiserver.testing.TestServer;
import dev.beluga.cri.v1.ContainerFilter;
import dev.beluga.cri.v1.PodSandboxFilter;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node agent running real pods: a real API server, a real containerd in a network namespace the test creates,
 * the built-in busybox image. Pods are bound by name (no scheduler) to the agent's node.
 */
class PodLifecycleTest {
    static Path base;
    static TestServer server;
    static KubernetesClient client;
    static NodeTestEnv node;
    static NodeAgent agent;

    @BeforeAll
    static void start() throws Exception {
        NodeTestEnv.assumeNodeCapable();
        base = Files.createTempDirectory("beluga-agent-test");
        server = new TestServer(base.resolve("server"));
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig))).build();
        node = NodeTestEnv.start(base.resolve("images"));
        AgentConfig config = AgentConfig.defaults("node-1", node.dir.resolve("agent"), BuiltinImages.PAUSE_IMAGE)
            .withCriSocket(node.socket()).withNodeIp("192.168.250.11").withSyncPeriod(Duration.ofSeconds(2))
            .withKubeletPort(0).withCgroupParent("/beluga-test/node-1").withCniConfDir(node.cniConfDir());
        agent = new NodeAgent(client, config, ctx -> new ClusterPodResources(ctx.config().podsDir(), new ApiObjectSource(ctx.client()),
            () -> Map.of("cpu", new Quantity("2"), "memory", new Quantity("1Gi")), "cluster.local", Path.of("/etc/hosts"),
            Duration.ofSeconds(1), java.time.Clock.systemUTC()), s -> { }, "v1.32.0-beluga");
        agent.start();
        client.nodes().withName("node-1").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"podCIDR\":\"10.42.7.0/24\"}}");
        await(Duration.ofSeconds(30), () -> ready(client.nodes().withName("node-1").get()), "node-1 Ready");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (agent != null) {
                agent.removeAllPods();
                agent.close();
            }
        } finally {
            if (node != null) node.close();
            if (client != null) client.close();
            if (server != null) server.close();
            if (base != null) NodeTestEnv.deleteTree(base);
        }
    }

    static boolean ready(Node n) {
        return n != null && n.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    static void await(Duration timeout, java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) return;
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    static Pod awaitPod(String name, Duration timeout, Predicate<Pod> cond, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        Pod last = null;
        while (System.nanoTime() < end) {
            last = client.pods().inNamespace("default").withName(name).get();
            if (last != null && last.getStatus() != null && last.getStatus().getContainerStatuses() != null
                && !last.getStatus().getContainerStatuses().isEmpty() && cond.test(last)) return last;
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for pod " + name + " " + what + "; last: " + (last == null ? null : last.getStatus()));
    }

    static Pod create(String name, String restartPolicy, String script) {
        return client.pods().inNamespace("default").resource(new PodBuilder()
            .withNewMetadata().withName(name).endMetadata()
            .withNewSpec().withNodeName("node-1").withRestartPolicy(restartPolicy).withTerminationGracePeriodSeconds(2L)
            .addNewContainer().withName("main").withImage("busybox:1.35").withCommand("sh", "-c", script)
            .addNewEnv().withName("GREETING").withValue("hello-from-env").endEnv().endContainer()
            .endSpec().build()).create();
    }

    static ContainerStatus main(Pod p) {
        return p.getStatus().getContainerStatuses().getFirst();
    }

    @Test
    void podRunsAndIsReadyWithAnIpFromThePodCidr() throws Exception {
        create("sleeper", "Always", "echo $GREETING; exec sleep 3600");
        Pod p = awaitPod("sleeper", Duration.ofSeconds(60), x -> "Running".equals(x.getStatus().getPhase()) && Boolean.TRUE.equals(main(x).getReady()), "Running and Ready");
        assertThat(p.getStatus().getPodIP()).startsWith("10.42.7.");
        assertThat(p.getStatus().getHostIP()).isEqualTo("192.168.250.11");
        assertThat(main(p).getContainerID()).startsWith("containerd://");
        assertThat(main(p).getImageID()).isNotEmpty();
        assertThat(p.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
            .contains("Initialized=True", "ContainersReady=True", "Ready=True", "PodReadyToStartContainers=True");
        Path logs = agent.config().podLogsDir().resolve("default_sleeper_" + p.getMetadata().getUid()).resolve("main/0.log");
        await(Duration.ofSeconds(10), () -> Files.exists(logs) && read(logs).contains("hello-from-env"), "the log line");
        assertThat(read(logs)).matches("(?s)\\S+ stdout F hello-from-env\n");
        // the pod IP answers inside the node's network namespace
        assertThat(node.inNetns("/bin/busybox", "ping", "-c", "1", "-W", "2", p.getStatus().getPodIP())).contains("1 packets received");
    }

    @Test
    void exitingContainerIsRestartedWithGrowingBackoff() throws Exception {
        create("crasher", "Always", "echo boom; exit 3");
        Pod p = awaitPod("crasher", Duration.ofSeconds(60), x -> x.getStatus().getContainerStatuses() != null
            && main(x).getRestartCount() >= 1 && main(x).getLastState().getTerminated() != null, "restarted");
        assertThat(main(p).getLastState().getTerminated().getExitCode()).isEqualTo(3);
        assertThat(main(p).getLastState().getTerminated().getReason()).isEqualTo("Error");
        Pod backing = awaitPod("crasher", Duration.ofSeconds(60), x -> main(x).getState().getWaiting() != null
            && "CrashLoopBackOff".equals(main(x).getState().getWaiting().getReason()), "in CrashLoopBackOff");
        assertThat(main(backing).getState().getWaiting().getMessage()).contains("back-off").contains("restarting failed container=main pod=crasher_default");
        assertThat(backing.getStatus().getPhase()).isEqualTo("Running");
    }

    @Test
    void neverRestartedPodsEndSucceededOrFailed() throws Exception {
        create("ok", "Never", "exit 0");
        create("bad", "Never", "echo 'it broke' > /dev/termination-log; exit 7");
        Pod ok = awaitPod("ok", Duration.ofSeconds(60), x -> "Succeeded".equals(x.getStatus().getPhase()), "Succeeded");
        assertThat(main(ok).getState().getTerminated().getReason()).isEqualTo("Completed");
        Pod bad = awaitPod("bad", Duration.ofSeconds(60), x -> "Failed".equals(x.getStatus().getPhase()), "Failed");
        var t = main(bad).getState().getTerminated();
        assertThat(t.getExitCode()).isEqualTo(7);
        assertThat(t.getMessage()).isEqualTo("it broke\n");
        assertThat(main(bad).getRestartCount()).isZero();
        // a finished pod gives its sandbox (and IP) back
        await(Duration.ofSeconds(20), () -> node.cri.listPodSandbox(PodSandboxFilter.newBuilder()
            .putLabelSelector("io.kubernetes.pod.uid", bad.getMetadata().getUid()).build()).stream()
            .noneMatch(s -> s.getState() == dev.beluga.cri.v1.PodSandboxState.SANDBOX_READY), "the sandbox stopped");
    }

    @Test
    void memoryLimitExceededIsOomKilled() throws Exception {
        client.pods().inNamespace("default").resource(new PodBuilder()
            .withNewMetadata().withName("hog").endMetadata()
            .withNewSpec().withNodeName("node-1").withRestartPolicy("Never")
            .addNewContainer().withName("main").withImage("busybox:1.35")
            .withCommand("sh", "-c", "x=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; while true; do x=$x$x; done")
            .withNewResources().addToLimits("memory", new Quantity("16Mi")).endResources().endContainer()
            .endSpec().build()).create();
        Pod p = awaitPod("hog", Duration.ofSeconds(60), x -> "Failed".equals(x.getStatus().getPhase()), "Failed");
        assertThat(main(p).getState().getTerminated().getReason()).isEqualTo("OOMKilled");
        assertThat(main(p).getState().getTerminated().getExitCode()).isEqualTo(137);
    }

    @Test
    void deletedPodIsStoppedRemovedFromTheApiAndCleanedUp() throws Exception {
        Pod created = create("doomed", "Always", "trap 'echo bye; exit 0' TERM; while true; do sleep 1; done");
        awaitPod("doomed", Duration.ofSeconds(60), x -> "Running".equals(x.getStatus().getPhase()), "Running");
        String uid = created.getMetadata().getUid();
        client.pods().inNamespace("default").withName("doomed").withGracePeriod(5).delete();
        await(Duration.ofSeconds(30), () -> client.pods().inNamespace("default").withName("doomed").get() == null, "the pod gone from the API");
        await(Duration.ofSeconds(30), () -> node.cri.listContainers(ContainerFilter.newBuilder().putLabelSelector("io.kubernetes.pod.uid", uid).build()).isEmpty()
            && node.cri.listPodSandbox(PodSandboxFilter.newBuilder().putLabelSelector("io.kubernetes.pod.uid", uid).build()).isEmpty(),
            "containers and sandbox removed");
        await(Duration.ofSeconds(10), () -> !Files.exists(Path.of("/sys/fs/cgroup/memory/beluga-test/node-1/pod" + uid)), "the pod cgroup removed");
        assertThat(agent.config().podsDir().resolve(uid)).doesNotExist();
    }

    @Test
    void failingLivenessProbeRestartsAndFailingReadinessMarksNotReady() throws Exception {
        client.pods().inNamespace("default").resource(new PodBuilder()
            .withNewMetadata().withName("probed").endMetadata()
            .withNewSpec().withNodeName("node-1").withTerminationGracePeriodSeconds(1L)
            .addNewContainer().withName("main").withImage("busybox:1.35")
            .withCommand("sh", "-c", "touch /tmp/alive; sleep 3; rm /tmp/alive; sleep 3600")
            .withNewLivenessProbe().withNewExec().withCommand("cat", "/tmp/alive").endExec()
            .withPeriodSeconds(1).withFailureThreshold(2).endLivenessProbe().endContainer()
            .addNewContainer().withName("never-ready").withImage("busybox:1.35").withCommand("sleep", "3600")
            .withNewReadinessProbe().withNewExec().withCommand("false").endExec().withPeriodSeconds(1).endReadinessProbe().endContainer()
            .endSpec().build()).create();
        Pod p = awaitPod("probed", Duration.ofSeconds(60), x -> x.getStatus().getContainerStatuses() != null
            && x.getStatus().getContainerStatuses().stream().anyMatch(c -> c.getName().equals("main") && c.getRestartCount() >= 1), "restarted by liveness");
        var notReady = p.getStatus().getContainerStatuses().stream().filter(c -> c.getName().equals("never-ready")).findFirst().orElseThrow();
        assertThat(notReady.getReady()).isFalse();
        assertThat(notReady.getState().getRunning()).isNotNull();
        assertThat(p.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("False")
            && "containers with unready status: [never-ready]".equals(c.getMessage()));
        var events = client.v1().events().inNamespace("default").list().getItems();
        assertThat(events).anyMatch(e -> "Unhealthy".equals(e.getReason()) && e.getMessage().startsWith("Liveness probe failed"));
        assertThat(events).anyMatch(e -> "Killing".equals(e.getReason()) && e.getMessage().equals("Container main failed liveness probe, will be restarted"));
    }

    @Test
    void configMapsSecretsAndTheDownwardApiReachTheContainer() throws Exception {
        client.configMaps().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
            .withNewMetadata().withName("app-config").endMetadata()
            .addToData("greeting", "hello").addToData("file.txt", "from-configmap").build()).create();
        client.secrets().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
            .withNewMetadata().withName("app-secret").endMetadata().addToStringData("password", "s3cret").build()).create();
        client.pods().inNamespace("default").resource(new PodBuilder()
            .withNewMetadata().withName("configured").addToLabels("tier", "web").endMetadata()
            .withNewSpec().withNodeName("node-1").withTerminationGracePeriodSeconds(1L)
            .addNewVolume().withName("config").withNewConfigMap().withName("app-config").endConfigMap().endVolume()
            .addNewVolume().withName("secret").withNewSecret().withSecretName("app-secret").endSecret().endVolume()
            .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
            .addNewContainer().withName("main").withImage("busybox:1.35")
            .withCommand("sh", "-c", "echo \"$(GREETING) $PASSWORD $POD_NAME $TIER\"; cat /etc/config/file.txt; echo; "
                + "cat /etc/secret/password; echo; echo kept > /scratch/f; hostname; exec sleep 3600")
            .addNewEnv().withName("GREETING").withNewValueFrom().withNewConfigMapKeyRef("greeting", "app-config", false).endValueFrom().endEnv()
            .addNewEnv().withName("PASSWORD").withNewValueFrom().withNewSecretKeyRef("password", "app-secret", false).endValueFrom().endEnv()
            .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("TIER").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.labels['tier']").endFieldRef().endValueFrom().endEnv()
            .addNewVolumeMount().withName("config").withMountPath("/etc/config").endVolumeMount()
            .addNewVolumeMount().withName("secret").withMountPath("/etc/secret").withReadOnly(true).endVolumeMount()
            .addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount()
            .endContainer().endSpec().build()).create();
        Pod p = awaitPod("configured", Duration.ofSeconds(60), x -> "Running".equals(x.getStatus().getPhase()), "Running");
        Path logs = agent.config().podLogsDir().resolve("default_configured_" + p.getMetadata().getUid()).resolve("main/0.log");
        await(Duration.ofSeconds(10), () -> read(logs).contains("configured\n"), "the container's output");
        assertThat(read(logs)).contains(" F hello s3cret configured web\n", " F from-configmap\n", " F s3cret\n", " F configured\n");
        String id = main(p).getContainerID().substring("containerd://".length());
        // a changed ConfigMap reaches the running container's volume (the command's env stays as it was)
        client.configMaps().inNamespace("default").withName("app-config").edit(cm -> { cm.getData().put("file.txt", "updated"); return cm; });
        await(Duration.ofSeconds(30), () -> new String(node.cri.execSync(id, List.of("cat", "/etc/config/file.txt"), Duration.ofSeconds(5))
            .getStdout().toByteArray()).equals("updated"), "the updated file inside the container");
        var hosts = new String(node.cri.execSync(id, List.of("cat", "/etc/hosts"), Duration.ofSeconds(5)).getStdout().toByteArray());
        assertThat(hosts).contains("127.0.0.1\tlocalhost").contains(p.getStatus().getPodIP() + "\tconfigured");
    }

    @Test
    void missingConfigMapIsACreateContainerConfigError() throws Exception {
        client.pods().inNamespace("default").resource(new PodBuilder()
            .withNewMetadata().withName("unconfigured").endMetadata()
            .withNewSpec().withNodeName("node-1")
            .addNewContainer().withName("main").withImage("busybox:1.35").withCommand("sleep", "3600")
            .addNewEnv().withName("X").withNewValueFrom().withNewConfigMapKeyRef("k", "no-such-config", false).endValueFrom().endEnv()
            .endContainer().endSpec().build()).create();
        Pod p = awaitPod("unconfigured", Duration.ofSeconds(60), x -> main(x).getState().getWaiting() != null
            && "CreateContainerConfigError".equals(main(x).getState().getWaiting().getReason()), "CreateContainerConfigError");
        assertThat(main(p).getState().getWaiting().getMessage()).isEqualTo("configmap \"no-such-config\" not found");
        assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void staticPodRunsFromItsFileWithAMirrorPodThatComesBackAndGoesWithTheFile() throws Exception {
        Path manifest = agent.config().podManifestDir().resolve("static-web.yaml");
        Files.createDirectories(manifest.getParent());
        Files.writeString(manifest, """
            apiVersion: v1
            kind: Pod
            metadata: {name: static-web, labels: {app: static}}
            spec:
              terminationGracePeriodSeconds: 1
              containers: [{name: main, image: 'busybox:1.35', command: [sleep, '3600']}]
            """);
        Pod mirror = awaitPod("static-web-node-1", Duration.ofSeconds(60), p -> "Running".equals(p.getStatus().getPhase()), "Running");
        String configHash = mirror.getMetadata().getAnnotations().get("kubernetes.io/config.mirror");
        assertThat(configHash).isNotBlank();
        assertThat(mirror.getMetadata().getAnnotations()).containsEntry("kubernetes.io/config.source", "file");
        assertThat(mirror.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("Node"));
        PodSandboxFilter byHash = PodSandboxFilter.newBuilder().putLabelSelector("io.kubernetes.pod.uid", configHash).build();
        assertThat(node.cri.listPodSandbox(byHash)).hasSize(1);

        // a deleted mirror pod comes back; the static pod itself is not touched
        String apiUid = mirror.getMetadata().getUid();
        client.pods().inNamespace("default").withName("static-web-node-1").delete();
        Pod again = awaitPod("static-web-node-1", Duration.ofSeconds(60),
            p -> !p.getMetadata().getUid().equals(apiUid) && "Running".equals(p.getStatus().getPhase()), "mirrored again");
        assertThat(main(again).getRestartCount()).isZero();
        assertThat(node.cri.listPodSandbox(byHash)).hasSize(1);

        // the file goes: the pod stops and its mirror leaves the API
        Files.delete(manifest);
        await(Duration.ofSeconds(60), () -> client.pods().inNamespace("default").withName("static-web-node-1").get() == null
            && node.cri.listPodSandbox(byHash).isEmpty(), "the static pod and its mirror gone");
    }
}
