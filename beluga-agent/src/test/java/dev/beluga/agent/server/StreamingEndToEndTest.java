package dev.beluga.agent.server;

import dev.beluga.http.ResponseHead;

import dev.beluga.agent.testing.NetnsStreamDialer;
import dev.beluga.agent.testing.NodeTestEnv;
import dev.beluga.agent.testing.SingleNodeCluster;
import dev.beluga.apiserver.metrics.MetricsScraper;
import dev.beluga.apiserver.testing.TestServer;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl exec}, {@code attach}, {@code cp} and {@code port-forward} end to end ({@link SingleNodeCluster}): a
 * started API server, a node agent serving the kubelet API with a serving certificate of the cluster CA on 127.0.0.1, a
 * real containerd in a network namespace the test creates ({@link NodeTestEnv}; the agent reaches its stream server
 * with {@link NetnsStreamDialer}), the built-in busybox image; the real kubectl of several versions, and fabric8.
 *
 * <p>All traffic is on loopback addresses (the API server, the kubelet API, kubectl's forwarded ports on 127.0.0.1)
 * or inside the node's namespace. Cleanup, also after failures: the kubectl processes the test started (by PID),
 * every pod (sandboxes, mounts, cgroups) through the agent, containerd and the namespace through
 * {@link NodeTestEnv}, the temporary directory.
 */
class StreamingEndToEndTest {
    private static SingleNodeCluster cluster;
    private static Path base;
    private static TestServer api;
    private static KubernetesClient client;

    /** The kubectl versions to check: 1.27 (SPDY only), 1.32 and 1.33 (WebSocket first, then SPDY). */
    static Stream<Path> kubectls() {
        return Kubectl.versions();
    }

    @BeforeAll
    static void start() throws Exception {
        cluster = SingleNodeCluster.start("streaming", "10.42.9.0/24", MetricsScraper.DEFAULT_RESOLUTION,
            (agent, node) -> agent.withStreamDialer(new NetnsStreamDialer(node.netns)));
        base = cluster.base;
        api = cluster.api;
        client = cluster.client;
        try {
            pod("shell", "Always", container("main", "exec sleep 3600"));
            pod("web", "Always", container("main", "mkdir -p /www && echo hello-pf > /www/index.html && exec httpd -f -p 80 -h /www"));
            pod("talker", "Always", new ContainerBuilder(container("main", "while read l; do echo \"got $l\"; done"))
                .withStdin(true).build());
            pod("half", "Never", container("main", "exec sleep 3600"), container("quit", "true"));
            pod("done", "Never", container("main", "true"));
            for (String p : List.of("shell", "web", "talker")) awaitPod(p, x -> "Running".equals(x.getStatus().getPhase()), "Running");
            awaitPod("half", x -> x.getStatus().getContainerStatuses() != null && x.getStatus().getContainerStatuses().stream()
                .anyMatch(c -> c.getName().equals("quit") && c.getState().getTerminated() != null), "with container quit terminated");
            awaitPod("done", x -> "Succeeded".equals(x.getStatus().getPhase()), "Succeeded");
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) cluster.close();
        cluster = null;
    }

    private static io.fabric8.kubernetes.api.model.Container container(String name, String script) {
        return SingleNodeCluster.busybox(name, script);
    }

    private static void pod(String name, String restartPolicy, io.fabric8.kubernetes.api.model.Container... containers) {
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
            .withNewSpec().withNodeName("node-1").withRestartPolicy(restartPolicy).withTerminationGracePeriodSeconds(1L)
            .withContainers(containers).endSpec().build()).create();
    }

    private static void awaitPod(String name, Predicate<Pod> cond, String what) throws InterruptedException {
        cluster.awaitPod("default", name, cond, what);
    }

    private static Kubectl kubectl(Path binary) throws IOException {
        Path home = base.resolve("home-" + binary.getFileName());
        Files.createDirectories(home);
        return new Kubectl(binary, api.kubeconfig, home);
    }

    private static String version(Path binary) {
        return binary.getFileName().toString().replace("kubectl.", "");
    }

    /**
     * For kubectl 1.30 and later (WebSocket first): its log ({@code -v=6}) shows the session upgraded by a GET (the
     * WebSocket; the SPDY fallback is a POST), the WebSocket protocol agreed on (v5 for exec and attach, the SPDY
     * tunnel for port-forward), and no fallback to SPDY. Older ones speak only SPDY: nothing to check.
     */
    private static void assertStreamedOverWebSocket(Path binary, String log, String subresource) {
        if (Integer.parseInt(version(binary).split("\\.")[1]) < 30) return;
        String protocol = subresource.equals("portforward")
            ? "negotiated protocol: portforward\\.k8s\\.io|Protocol negotiated completed\" protocol=\"portforward\\.k8s\\.io\""
            : "The subprotocol is v5\\.channel\\.k8s\\.io";
        assertThat(log).as("kubectl's log").doesNotContainIgnoringCase("fallback")
            .containsPattern("GET https://\\S+/" + subresource + "\\S* 101 Switching Protocols|verb=\"GET\" url=\"https://\\S+/"
                + subresource + "\\S*\" status=\"101 Switching Protocols\"")
            .containsPattern(protocol)
            .doesNotContainPattern("POST https://\\S+/" + subresource + "|verb=\"POST\" url=\"https://\\S+/" + subresource);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubectls")
    void execPropagatesOutputAndTheExitCode(Path binary) throws Exception {
        Kubectl k = kubectl(binary).verbose(6);
        Kubectl.Result hi = k.run("exec", "shell", "--", "echo", "hi");
        assertThat(hi.exit()).as(hi.toString()).isZero();
        assertThat(hi.out()).isEqualTo("hi\n");
        assertStreamedOverWebSocket(binary, hi.log(), "exec");
        Kubectl.Result three = k.run("exec", "shell", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(three.exit()).as(three.toString()).isEqualTo(3);
        assertThat(three.out()).isEqualTo("out\n");
        assertThat(three.errText()).startsWith("err\n").contains("command terminated with exit code 3");
        assertStreamedOverWebSocket(binary, three.log(), "exec");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubectls")
    void execWithStandardInput(Path binary) throws Exception {
        Kubectl k = kubectl(binary).verbose(6);
        // cat ends only at the end of its input: the end of kubectl's stdin must reach the process
        Kubectl.Result cat = k.runWithInput("hello\nworld\n".getBytes(StandardCharsets.UTF_8), "exec", "-i", "shell", "--", "cat");
        assertThat(cat.exit()).as(cat.toString()).isZero();
        assertThat(cat.out()).isEqualTo("hello\nworld\n");
        assertStreamedOverWebSocket(binary, cat.log(), "exec");
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        Kubectl.Result count = k.runWithInput(big, "exec", "-i", "shell", "--", "wc", "-c");
        assertThat(count.out().trim()).as(count.toString()).isEqualTo("300000");
        assertStreamedOverWebSocket(binary, count.log(), "exec");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubectls")
    void execWithATerminal(Path binary) throws Exception {
        Kubectl k = kubectl(binary).verbose(6);
        // kubectl -t wants a terminal of its own: script(1) gives it a pseudo-terminal and returns its exit code (-e);
        // the terminal is 123x45 before kubectl starts, so kubectl's first resize message carries that size
        String line = "stty cols 123 rows 45; "
            + String.join(" ", k.command("exec", "-it", "shell", "--", "sh").stream().map(a -> "'" + a + "'").toList());
        Path out = Files.createTempFile(base, "tty", ".out");
        Process p = k.builder(List.of("script", "-qec", line, "/dev/null")).redirectOutput(out.toFile())
            .redirectErrorStream(true).start();
        try {
            OutputStream in = p.getOutputStream();
            // the resize may reach the runtime after the shell started: wait for it a little
            in.write(("for i in 1 2 3 4 5 6 7 8 9 10; do [ \"$(stty size)\" = '45 123' ] && break; sleep 0.2; done; "
                + "echo size=$(stty size) $((6*7))-$(tty); exit 5\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl exec -it ended with the shell").isTrue();
            String text = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(text).isEqualTo(5);
            assertThat(text).containsPattern("size=45 123 42-/dev/pts/\\d+");
            assertStreamedOverWebSocket(binary, text, "exec");
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubectls")
    void copyIntoAndOutOfAPod(Path binary) throws Exception {
        Kubectl k = kubectl(binary).verbose(6);
        String v = version(binary);
        Path local = base.resolve("upload-" + v + ".txt");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20_000; i++) sb.append("line ").append(i).append(" of kubectl ").append(v).append('\n');
        Files.writeString(local, sb);
        // kubectl cp resolves relative paths against the working directory; give it absolute ones
        // into the pod: tar reads kubectl's stdin to its end
        Kubectl.Result up = k.run("cp", local.toString(), "shell:/tmp/upload-" + v + ".txt");
        assertThat(up.exit()).as(up.toString()).isZero();
        assertStreamedOverWebSocket(binary, up.log(), "exec");
        assertThat(k.ok("exec", "shell", "--", "wc", "-c", "/tmp/upload-" + v + ".txt").out().trim())
            .startsWith(Long.toString(Files.size(local)));
        Path back = base.resolve("download-" + v + ".txt");
        Kubectl.Result down = k.run("cp", "shell:/tmp/upload-" + v + ".txt", back.toString());
        assertThat(down.exit()).as(down.toString()).isZero();
        assertThat(Files.readString(back)).isEqualTo(sb.toString());
        assertStreamedOverWebSocket(binary, down.log(), "exec");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubectls")
    void portForwardToHttpdInThePod(Path binary) throws Exception {
        Kubectl k = kubectl(binary).verbose(6);
        Path err = Files.createTempFile(base, "port-forward", ".err");
        Process p = k.start(err, "port-forward", "--address", "127.0.0.1", "pod/web", ":80");
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try {
                    for (String l; (l = r.readLine()) != null; ) lines.add(l);
                } catch (IOException e) {
                    lines.add("<" + e + ">");
                }
            });
            String first = lines.poll(30, TimeUnit.SECONDS);
            assertThat(first).as("kubectl's first line").isNotNull();
            Matcher m = Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> 80").matcher(first);
            assertThat(m.matches()).as(first).isTrue();
            int port = Integer.parseInt(m.group(1));
            for (int i = 0; i < 3; i++) { // each client its own connection: three streams through the same session
                try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                    HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html"))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(resp.statusCode()).isEqualTo(200);
                    assertThat(resp.body()).isEqualTo("hello-pf\n");
                }
            }
            assertStreamedOverWebSocket(binary, new Kubectl.Result(0, "", Files.readString(err)).log(), "portforward");
        } finally {
            p.destroy(); // SIGTERM to the kubectl this test started
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubectls")
    void attachToARunningProcess(Path binary) throws Exception {
        Kubectl k = kubectl(binary).verbose(6);
        String v = version(binary);
        Path err = Files.createTempFile(base, "attach", ".err");
        Process p = k.start(err, "attach", "-i", "talker");
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) lines.add(l);
                } catch (IOException e) {
                    lines.add("<" + e + ">");
                }
            });
            OutputStream in = p.getOutputStream();
            String expected = "got hello from kubectl " + v;
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String seen = null;
            // the session may not be connected when the first line is written; repeat it until an answer comes
            while (System.nanoTime() < end && !expected.equals(seen)) {
                in.write(("hello from kubectl " + v + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                seen = lines.poll(2, TimeUnit.SECONDS);
                while (seen != null && !seen.equals(expected)) seen = lines.poll(2, TimeUnit.SECONDS);
            }
            assertThat(seen).isEqualTo(expected);
            assertStreamedOverWebSocket(binary, new Kubectl.Result(0, "", Files.readString(err)).log(), "attach");
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    @Test
    void kubectlErrors() throws Exception {
        Path binary = kubectls().filter(b -> b.toString().endsWith("1.32")).findFirst().orElse(kubectls().findFirst().orElseThrow());
        Kubectl k = kubectl(binary);
        Kubectl.Result noContainer = k.run("exec", "shell", "-c", "nope", "--", "true");
        assertThat(noContainer.exit()).isEqualTo(1);
        assertThat(noContainer.err()).contains("container nope is not valid for pod shell");
        Kubectl.Result completed = k.run("exec", "done", "--", "true");
        assertThat(completed.exit()).isEqualTo(1);
        assertThat(completed.err()).contains("cannot exec into a container in a completed pod; current phase is Succeeded");
        Kubectl.Result exited = k.run("exec", "half", "-c", "quit", "--", "true");
        assertThat(exited.exit()).isEqualTo(1);
        assertThat(exited.err()).contains("unable to upgrade connection: container not found (\"quit\")");
        Kubectl.Result ghost = k.run("exec", "ghost", "--", "true");
        assertThat(ghost.exit()).isEqualTo(1);
        assertThat(ghost.err()).contains("pods \"ghost\" not found");
        Kubectl.Result attachDone = k.run("attach", "done");
        assertThat(attachDone.exit()).isEqualTo(1);
        assertThat(attachDone.err()).contains("cannot attach a container in a completed pod; current phase is Succeeded");
        Kubectl.Result notRunning = k.run("attach", "half", "-c", "quit");
        assertThat(notRunning.exit()).isEqualTo(1);
        assertThat(notRunning.err()).contains("unable to upgrade connection: container quit not found in pod half_default");
    }

    @Test
    void fabric8Exec() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ExecWatch w = client.pods().inNamespace("default").withName("shell").writingOutput(out).writingError(err)
            .exec("sh", "-c", "echo hi; echo oops >&2; exit 3")) {
            assertThat(w.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(3);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hi\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("oops\n");
        ByteArrayOutputStream echoed = new ByteArrayOutputStream();
        try (ExecWatch w = client.pods().inNamespace("default").withName("shell").redirectingInput().writingOutput(echoed)
            .exec("head", "-c", "5")) {
            w.getInput().write("abcdefgh".getBytes(StandardCharsets.UTF_8));
            w.getInput().flush();
            assertThat(w.exitCode().get(30, TimeUnit.SECONDS)).isZero();
        }
        assertThat(echoed.toString(StandardCharsets.UTF_8)).isEqualTo("abcde");
    }

    @Test
    void fabric8ExecIntoAStoppedContainerFails() throws Exception {
        // fabric8 retries answers of 500 and above with a backoff until its request timeout: without retries the
        // failure shows at once. (Its JDK transport does not read the body of a refused WebSocket upgrade, so only
        // the kubelet's status reaches it; kubectl prints the text, see kubectlErrors.)
        Config noRetries = new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build();
        try (KubernetesClient once = new KubernetesClientBuilder().withConfig(noRetries).build()) {
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> {
                try (ExecWatch w = once.pods().inNamespace("default").withName("half").inContainer("quit")
                    .writingOutput(new ByteArrayOutputStream()).exec("true")) {
                    w.exitCode().get(30, TimeUnit.SECONDS);
                }
            });
            Throwable t = failure;
            while (t != null && !(t instanceof io.fabric8.kubernetes.client.http.WebSocketHandshakeException)) t = t.getCause();
            assertThat(t).as("a refused upgrade: %s", failure).isNotNull();
            assertThat(((io.fabric8.kubernetes.client.http.WebSocketHandshakeException) t).getResponse().code()).isEqualTo(500);
        }
    }

    @Test
    void fabric8PortForward() throws Exception {
        try (LocalPortForward pf = client.pods().inNamespace("default").withName("web").portForward(80, InetAddress.getLoopbackAddress(), 0);
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            assertThat(pf.getLocalAddress().isLoopbackAddress()).isTrue();
            HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pf.getLocalPort() + "/index.html"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.body()).isEqualTo("hello-pf\n");
        }
    }

    /** The agent's own answers, asked directly with the API server's kubelet client certificate. */
    @Test
    void theKubeletsChecksAgainstTheRuntime() throws Exception {
        int port = client.nodes().withName("node-1").get().getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
        String shellUid = client.pods().inNamespace("default").withName("shell").get().getMetadata().getUid();
        javax.net.ssl.SSLContext ssl = TestTls.kubeletClient(api.pki);
        List<String> answers = new ArrayList<>();
        for (String target : List.of("/exec/default/ghost/main?output=1", "/exec/default/half/quit?output=1",
            "/attach/default/half/quit?output=1", "/exec/default/shell/not-its-uid/main?output=1", "/portForward/default/shell/not-its-uid",
            "/portForward/default/done", "/exec/default/shell/" + shellUid + "/main?output=1&command=true")) {
            try (RawHttpsClient c = new RawHttpsClient(ssl, port)) {
                ResponseHead head = c.request("POST " + target + " HTTP/1.1", "Host: 127.0.0.1", "Connection: Upgrade",
                    "Upgrade: SPDY/3.1", "X-Stream-Protocol-Version: v4.channel.k8s.io");
                answers.add(head.status() + (head.status() == 101 ? "" : " " + new String(head.readBody(c.in), StandardCharsets.UTF_8)));
            }
        }
        assertThat(answers).containsExactly(
            "404 pod does not exist",
            "500 container not found (\"quit\")",
            "500 container quit not found in pod half_default",
            "500 container not found (\"main\")",
            "404 pod not found",
            "500 pod not found (\"done_default\")",
            "101");
    }
}
