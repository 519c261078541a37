package dev.beluga.agent.server;

import dev.beluga.apiserver.testing.TestServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code kubectl logs} end to end: a started API server, a {@link KubeletServer} on 127.0.0.1 with a serving
 * certificate of the cluster CA and a locator over temporary CRI log files, a Node whose address and kubelet port
 * point at it, pods bound to that node; logs read through the API server with fabric8 and the real kubectl.
 */
class LogsEndToEndTest {
    @TempDir
    static Path dir;
    private static TestServer api;
    private static KubeletServer kubeletServer;
    private static KubernetesClient client;
    private static Kubectl kubectl;
    /** "pod/container" → log file and whether the container runs; unknown names are not found. */
    private static final Map<String, Path> files = new ConcurrentHashMap<>();
    private static final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        api = new TestServer(dir.resolve("api"));
        KubeletTls tls = new KubeletTls(KubeletServingCertificate.issue(api.pki.ca(), "node-1", List.of(),
            List.of(InetAddress.getLoopbackAddress())), List.of(api.pki.caCertificate()));
        kubeletServer = new KubeletServer(new KubeletServer.Config("127.0.0.1", 0, tls, Duration.ofMillis(20), Duration.ofMillis(100)),
            LogsEndToEndTest::locate);
        kubeletServer.start();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(api.kubeconfig))).build();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build()).create();
        client.nodes().resource(new NodeBuilder(client.nodes().withName("node-1").get()).withNewStatus()
            .addNewAddress().withType("Hostname").withAddress("node-1").endAddress()
            .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress()
            .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(kubeletServer.port()).endKubeletEndpoint().endDaemonEndpoints()
            .endStatus().build()).updateStatus();
        pod("web", "app");
        pod("duo", "main", "helper");
        pod("waiting", "app");
        log("web/app", "2024-05-01T10:00:00.000000001Z stdout F hello from web",
            "2024-05-01T10:00:01.5Z stderr P a line in ",
            "2024-05-01T10:00:01.6Z stderr F two parts",
            "2024-05-01T10:00:02Z stdout F third line");
        log("duo/main", "2024-05-01T10:00:00Z stdout F main says hi");
        log("duo/helper", "2024-05-01T10:00:00Z stdout F helper says hi");
        Files.createDirectories(dir.resolve("home"));
        kubectl = new Kubectl(api.kubeconfig, dir.resolve("home"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) client.close();
        if (kubeletServer != null) kubeletServer.close();
        if (api != null) api.close();
    }

    /** The agent's part, faked: files by pod and container; "waiting" has not started. */
    private static LogLocation locate(String namespace, String pod, String container, boolean previous) {
        if (!namespace.equals("default")) return new LogLocation.PodNotFound();
        if (pod.equals("waiting")) {
            var status = new PodStatusBuilder().addNewContainerStatus().withName(container).withNewState().withNewWaiting()
                .withReason("ContainerCreating").endWaiting().endState().endContainerStatus().build();
            return switch (ContainerLogStatus.choose(pod, container, status, previous)) {
                case ContainerLogStatus.NotAvailable n -> new LogLocation.Unavailable(n.message());
                case ContainerLogStatus.Selected s -> throw new AssertionError("waiting containers have no log");
            };
        }
        Path file = files.get(pod + "/" + container);
        if (file == null) return new LogLocation.ContainerNotFound();
        return new LogLocation.Found(file, running.get(pod + "/" + container)::get);
    }

    private static void pod(String name, String... containers) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
            .withNewSpec().withNodeName("node-1").endSpec();
        for (String c : containers) b.editSpec().addNewContainer().withName(c).withImage("busybox:1.36").endContainer().endSpec();
        Pod created = client.pods().resource(b.build()).create();
        created.setStatus(new PodStatusBuilder().withPhase("Running")
            .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
        client.pods().resource(created).updateStatus();
    }

    private static void log(String key, String... entries) throws IOException {
        Path file = dir.resolve(key.replace('/', '_') + ".log");
        files.put(key, file);
        running.computeIfAbsent(key, k -> new AtomicBoolean(true));
        append(key, entries);
    }

    private static void append(String key, String... entries) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String e : entries) sb.append(e).append('\n');
        Files.writeString(files.get(key), sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void fabric8ReadsLogs() {
        var web = client.pods().inNamespace("default").withName("web");
        assertThat(web.getLog()).isEqualTo("hello from web\na line in two parts\nthird line\n");
        assertThat(web.tailingLines(1).getLog()).isEqualTo("third line\n");
        assertThat(web.usingTimestamps().getLog()).isEqualTo("2024-05-01T10:00:00.000000001Z hello from web\n"
            + "2024-05-01T10:00:01.5Z a line in two parts\n2024-05-01T10:00:02Z third line\n");
        assertThat(web.limitBytes(8).getLog()).isEqualTo("hello fr");
        assertThat(web.sinceTime("2024-05-01T10:00:01Z").getLog()).isEqualTo("a line in two parts\nthird line\n");
        assertThat(client.pods().inNamespace("default").withName("duo").inContainer("helper").getLog()).isEqualTo("helper says hi\n");
        assertThatThrownBy(() -> client.pods().inNamespace("default").withName("waiting").getLog())
            .isInstanceOf(KubernetesClientException.class)
            .hasMessageContaining("container \"app\" in pod \"waiting\" is waiting to start: ContainerCreating");
    }

    @Test
    void fabric8WatchLogFollows() throws Exception {
        log("follow/app", "2024-05-01T10:00:00Z stdout F before the watch");
        pod("follow", "app");
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(100);
        try (LogWatch watch = client.pods().inNamespace("default").withName("follow").watchLog()) {
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) lines.add(line);
                    lines.add("<EOF>");
                } catch (IOException e) {
                    lines.add("<" + e + ">");
                }
            });
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("before the watch");
            append("follow/app", "2024-05-01T10:00:01Z stdout F while watching");
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("while watching");
            append("follow/app", "2024-05-01T10:00:02Z stdout F last words");
            running.get("follow/app").set(false);
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("last words");
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("<EOF>");
            reader.join(10_000);
        }
    }

    @Test
    void kubectlLogs() throws Exception {
        assumeTrue(Files.isExecutable(Kubectl.BINARY), "kubectl is not installed");
        assertThat(kubectl.ok("logs", "web").out()).isEqualTo("hello from web\na line in two parts\nthird line\n");
        assertThat(kubectl.ok("logs", "web", "--tail=2").out()).isEqualTo("a line in two parts\nthird line\n");
        assertThat(kubectl.ok("logs", "web", "--timestamps").out()).isEqualTo("2024-05-01T10:00:00.000000001Z hello from web\n"
            + "2024-05-01T10:00:01.5Z a line in two parts\n2024-05-01T10:00:02Z third line\n");
        assertThat(kubectl.ok("logs", "web", "--limit-bytes=5").out()).isEqualTo("hello");
        assertThat(kubectl.ok("logs", "duo", "-c", "helper").out()).isEqualTo("helper says hi\n");
        assertThat(kubectl.ok("logs", "pod/duo", "--container=main").out()).isEqualTo("main says hi\n");
        Kubectl.Result waiting = kubectl.run("logs", "waiting");
        assertThat(waiting.exit()).isEqualTo(1);
        assertThat(waiting.err()).contains("Error from server (BadRequest): container \"app\" in pod \"waiting\" is waiting to start: ContainerCreating");
        Kubectl.Result wrong = kubectl.run("logs", "web", "-c", "nope");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("container nope is not valid for pod web");
        Kubectl.Result missing = kubectl.run("logs", "ghost");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("pods \"ghost\" not found");
    }

    @Test
    void kubectlLogsFollow() throws Exception {
        assumeTrue(Files.isExecutable(Kubectl.BINARY), "kubectl is not installed");
        log("tail/app", "2024-05-01T10:00:00Z stdout F one", "2024-05-01T10:00:01Z stdout F two");
        pod("tail", "app");
        Process p = kubectl.start("logs", "-f", "tail", "--tail=1");
        try {
            BlockingQueue<String> lines = new ArrayBlockingQueue<>(100);
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) lines.add(line);
                } catch (IOException e) {
                    lines.add("<" + e + ">");
                }
            });
            assertThat(lines.poll(20, TimeUnit.SECONDS)).isEqualTo("two");
            append("tail/app", "2024-05-01T10:00:02Z stdout F three");
            assertThat(lines.poll(10, TimeUnit.SECONDS)).as("a line appears while kubectl follows").isEqualTo("three");
            append("tail/app", "2024-05-01T10:00:03Z stdout P fo", "2024-05-01T10:00:03Z stdout F ur");
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("four");
            assertThat(p.isAlive()).isTrue();
            append("tail/app", "2024-05-01T10:00:04Z stdout F five");
            running.get("tail/app").set(false);
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("five");
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("kubectl logs -f ends when the container stops").isTrue();
            assertThat(p.exitValue()).isZero();
            reader.join(10_000);
            assertThat(lines).isEmpty();
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    @Test
    void stoppingKubectlFollowReleasesTheLogFile() throws Exception {
        assumeTrue(Files.isExecutable(Kubectl.BINARY), "kubectl is not installed");
        log("idle/app", "2024-05-01T10:00:00Z stdout F idle");
        pod("idle", "app");
        Process p = kubectl.start("logs", "-f", "idle");
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("idle");
            assertThat(KubeletServerTest.openDescriptors(files.get("idle/app"))).isEqualTo(1);
        } finally {
            p.destroy(); // SIGTERM to the kubectl we started, as Ctrl-C would end it
            p.waitFor(10, TimeUnit.SECONDS);
            if (p.isAlive()) p.destroyForcibly();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (KubeletServerTest.openDescriptors(files.get("idle/app")) > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(KubeletServerTest.openDescriptors(files.get("idle/app")))
            .as("the kubelet stopped following once kubectl went away, though the container still runs").isZero();
    }
}
