package dev.beluga.agent.testing;

import dev.beluga.agent.AgentConfig;
import dev.beluga.agent.NodeAgent;
import dev.beluga.agent.images.BuiltinImages;
import dev.beluga.agent.pods.ApiObjectSource;
import dev.beluga.agent.pods.ApiTokenSource;
import dev.beluga.agent.pods.ClusterPodResources;
import dev.beluga.agent.server.KubeletServingCertificate;
import dev.beluga.agent.server.KubeletTls;
import dev.beluga.apiserver.testing.TestServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * A one-node cluster for end-to-end tests of the kubelet API: a started API server ({@link TestServer}), a real
 * runtime in a network namespace ({@link NodeTestEnv}) and a {@link NodeAgent} for {@code node-1} serving the kubelet
 * API on 127.0.0.1 (any free port) with a serving certificate of the cluster CA and service-account tokens from the
 * TokenRequest API; the node gets a pod CIDR, so it turns
 * Ready. {@link #close()} removes every pod (sandboxes, mounts, cgroups), stops the agent, containerd and the server
 * and deletes the temporary directory — also after a failed start. Skips the test unless the machine can run pods.
 */
public final class SingleNodeCluster implements AutoCloseable {
    public final Path base;
    public TestServer api;
    public KubernetesClient client;
    public NodeTestEnv node;
    public NodeAgent agent;

    private SingleNodeCluster(Path base) {
        this.base = base;
    }

    /**
     * Starts it.
     *
     * @param name              names the temporary directory and the pods' cgroup parent ({@code /beluga-test/<name>})
     * @param podCidr           the node's pod CIDR
     * @param metricsResolution how often the API server scrapes resource metrics
     * @param customize         applied to the agent (and the node) before it starts (e.g. {@link NodeAgent#withStreamDialer})
     */
    public static SingleNodeCluster start(String name, String podCidr, Duration metricsResolution,
                                          BiFunction<NodeAgent, NodeTestEnv, NodeAgent> customize) throws Exception {
        NodeTestEnv.assumeNodeCapable();
        SingleNodeCluster c = new SingleNodeCluster(Files.createTempDirectory("beluga-" + name + "-test"));
        try {
            c.api = new TestServer(c.base.resolve("api"), metricsResolution);
            c.client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(c.api.kubeconfig))).build();
            c.node = NodeTestEnv.start(c.base.resolve("images"));
            AgentConfig config = AgentConfig.defaults("node-1", c.node.dir.resolve("agent"), BuiltinImages.PAUSE_IMAGE)
                .withCriSocket(c.node.socket()).withNodeIp("127.0.0.1").withSyncPeriod(Duration.ofSeconds(2))
                .withKubeletPort(0).withCgroupParent("/beluga-test/" + name).withCniConfDir(c.node.cniConfDir());
            KubeletTls tls = new KubeletTls(KubeletServingCertificate.issue(c.api.pki.ca(), "node-1", List.of(),
                List.of(InetAddress.getLoopbackAddress())), List.of(c.api.pki.caCertificate()));
            c.agent = customize.apply(new NodeAgent(c.client, config, ctx -> new ClusterPodResources(ctx.config().podsDir(),
                new ApiObjectSource(ctx.client()), ApiTokenSource.over(ctx.client(), java.time.Clock.systemUTC()),
                () -> Map.of("cpu", new Quantity("2"), "memory", new Quantity("1Gi")),
                "cluster.local", Path.of("/etc/hosts"), Duration.ofSeconds(1), java.time.Clock.systemUTC()), s -> { },
                "v1.32.0-beluga").withKubeletTls(tls), c.node);
            c.agent.start();
            c.client.nodes().withName("node-1").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"podCIDR\":\"" + podCidr + "\"}}");
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    /** A busybox container running {@code sh -c script}. */
    public static Container busybox(String name, String script) {
        return new ContainerBuilder().withName(name).withImage("busybox:1.35").withCommand("sh", "-c", script).build();
    }

    /** Waits (at most 90 s) until the pod satisfies {@code cond}; returns it. */
    public Pod awaitPod(String namespace, String name, Predicate<Pod> cond, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Pod last = null;
        while (System.nanoTime() < end) {
            last = client.pods().inNamespace(namespace).withName(name).get();
            if (last != null && last.getStatus() != null && cond.test(last)) return last;
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for pod " + namespace + "/" + name + " " + what + "; last: "
            + (last == null ? null : last.getStatus()));
    }

    @Override
    public void close() throws Exception {
        try {
            if (agent != null) {
                agent.removeAllPods();
                agent.close();
            }
        } finally {
            agent = null;
            if (node != null) node.close();
            node = null;
            if (client != null) client.close();
            client = null;
            if (api != null) api.close();
            api = null;
            NodeTestEnv.deleteTree(base);
        }
    }
}
