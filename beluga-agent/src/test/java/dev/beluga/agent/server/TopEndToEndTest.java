package dev.beluga.agent.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beluga.agent.testing.SingleNodeCluster;
import dev.beluga.apiserver.testing.TestServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.beluga.agent.testing.SingleNodeCluster.busybox;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl top} end to end ({@link SingleNodeCluster}): a started API server scraping resource metrics every 2 s, a
 * node agent serving the kubelet API on 127.0.0.1 with a real containerd in a network namespace the test creates, a
 * busybox pod burning CPU ({@code while :; do :; done}) beside an idle container, a quiet pod in another namespace;
 * the kubelet's {@code /metrics/resource} and {@code /stats/summary} asked directly, then the real kubectl (1.27,
 * 1.32, 1.33): {@code top node}, {@code top pod} with {@code -A}, {@code --containers}, {@code -l} and names.
 *
 * <p>Traffic stays on loopback; cleanup, also after failures, is {@link SingleNodeCluster#close()}'s: the pods
 * (sandboxes, cgroups, mounts), containerd and the namespace, the temporary directory.
 */
class TopEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SingleNodeCluster cluster;
    private static TestServer api;
    private static KubernetesClient client;

    static Stream<Path> kubectls() {
        return Kubectl.versions();
    }

    @BeforeAll
    static void start() throws Exception {
        cluster = SingleNodeCluster.start("top", "10.42.9.0/24", Duration.ofSeconds(2), (agent, node) -> agent);
        api = cluster.api;
        client = cluster.client;
        try {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("other").endMetadata().build()).create();
            pod("default", "burn", Map.of("app", "burn"), busybox("burn", "while :; do :; done"), busybox("idle", "exec sleep 3600"));
            pod("other", "calm", Map.of("app", "calm"), busybox("main", "exec sleep 3600"));
            for (String[] p : new String[][] {{"default", "burn"}, {"other", "calm"}})
                cluster.awaitPod(p[0], p[1], x -> "Running".equals(x.getStatus().getPhase()), "Running");
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

    private static void pod(String namespace, String name, Map<String, String> labels, Container... containers) {
        client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
            .withNewSpec().withNodeName("node-1").withTerminationGracePeriodSeconds(1L).withContainers(containers).endSpec().build())
            .create();
    }

    /** GET on the node's kubelet API with the API server's kubelet client certificate. */
    private static HttpResponse<String> kubelet(String path) throws Exception {
        int port = client.nodes().withName("node-1").get().getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
        try (HttpClient http = HttpClient.newBuilder().sslContext(TestTls.kubeletClient(api.pki)).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        }
    }

    /** The value of the sample whose line starts with {@code series} (name and labels as the kubelet writes them), or -1. */
    private static double sample(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)( (\\d+))?$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static <T> T await(String what, ThrowingSupplier<T> get, Predicate<T> ok) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        T last = get.get();
        while (!ok.test(last)) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what + "; last: " + last);
            Thread.sleep(250);
            last = get.get();
        }
        return last;
    }

    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    @Test
    void theKubeletsResourceMetricsShowTheBusyPod() throws Exception {
        String burn = "{container=\"burn\",namespace=\"default\",pod=\"burn\"}";
        HttpResponse<String> r = kubelet("/metrics/resource");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        String first = r.body();
        assertThat(first).containsPattern("(?m)^container_cpu_usage_seconds_total\\Q" + burn + "\\E \\S+ \\d{13}$")
            .containsPattern("(?m)^node_cpu_usage_seconds_total \\S+ \\d{13}$")
            .contains("# TYPE container_cpu_usage_seconds_total counter")
            .contains("resource_scrape_error 0");
        assertThat(sample(first, "container_cpu_usage_seconds_total" + burn)).isPositive();
        assertThat(sample(first, "container_memory_working_set_bytes" + burn)).isPositive();
        assertThat(sample(first, "container_start_time_seconds" + burn)).isGreaterThan(1.7e9);
        assertThat(sample(first, "container_cpu_usage_seconds_total{container=\"main\",namespace=\"other\",pod=\"calm\"}")).isPositive();
        assertThat(sample(first, "pod_cpu_usage_seconds_total{namespace=\"default\",pod=\"burn\"}"))
            .isGreaterThanOrEqualTo(sample(first, "container_cpu_usage_seconds_total" + burn));
        assertThat(sample(first, "pod_memory_working_set_bytes{namespace=\"default\",pod=\"burn\"}")).isPositive();
        assertThat(sample(first, "node_cpu_usage_seconds_total")).isPositive();
        assertThat(sample(first, "node_memory_working_set_bytes")).isPositive();
        double cpu0 = sample(first, "container_cpu_usage_seconds_total" + burn);
        await("the busy container's CPU time to grow", () -> sample(kubelet("/metrics/resource").body(),
            "container_cpu_usage_seconds_total" + burn), v -> v > cpu0);
    }

    @Test
    void theKubeletsSummaryShowsTheBusyPod() throws Exception {
        HttpResponse<String> r = kubelet("/stats/summary");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode summary = await("a CPU rate for the busy container", () -> JSON.readTree(kubelet("/stats/summary").body()),
            s -> container(s, "burn", "burn").path("cpu").path("usageNanoCores").asLong() > 0);
        assertThat(summary.path("node").path("nodeName").asText()).isEqualTo("node-1");
        assertThat(summary.path("node").path("cpu").path("usageCoreNanoSeconds").asLong()).isPositive();
        assertThat(summary.path("node").path("memory").path("workingSetBytes").asLong()).isPositive();
        JsonNode burn = pod(summary, "burn");
        assertThat(burn.path("podRef").path("namespace").asText()).isEqualTo("default");
        assertThat(burn.path("podRef").path("uid").asText())
            .isEqualTo(client.pods().inNamespace("default").withName("burn").get().getMetadata().getUid());
        assertThat(burn.path("containers").findValuesAsText("name")).containsExactlyInAnyOrder("burn", "idle");
        JsonNode c = container(summary, "burn", "burn");
        assertThat(c.path("cpu").path("usageCoreNanoSeconds").asLong()).isPositive();
        assertThat(c.path("memory").path("workingSetBytes").asLong()).isPositive();
        assertThat(c.path("startTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(burn.path("cpu").path("usageCoreNanoSeconds").asLong()).isGreaterThanOrEqualTo(c.path("cpu").path("usageCoreNanoSeconds").asLong());
        assertThat(burn.path("memory").path("workingSetBytes").asLong()).isPositive();
        assertThat(pod(summary, "calm").path("podRef").path("namespace").asText()).isEqualTo("other");
    }

    private static JsonNode pod(JsonNode summary, String name) {
        for (JsonNode p : summary.path("pods")) if (p.path("podRef").path("name").asText().equals(name)) return p;
        return JSON.missingNode();
    }

    private static JsonNode container(JsonNode summary, String pod, String name) {
        for (JsonNode c : pod(summary, pod).path("containers")) if (c.path("name").asText().equals(name)) return c;
        return JSON.missingNode();
    }

    @Test
    void theMetricsApiServesTheNodeAndThePods() throws Exception {
        JsonNode nodes = await("node metrics", () -> raw("/apis/metrics.k8s.io/v1beta1/nodes"),
            n -> n.path("items").size() == 1);
        assertThat(nodes.path("items").get(0).path("metadata").path("name").asText()).isEqualTo("node-1");
        assertThat(nodes.path("items").get(0).path("usage").path("cpu").asText()).isNotEqualTo("0");
        JsonNode burn = await("the busy pod's metrics", () -> raw("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/burn"),
            p -> p.path("containers").size() == 2);
        for (JsonNode c : burn.path("containers")) {
            if (c.path("name").asText().equals("burn")) assertThat(c.path("usage").path("cpu").asText()).isNotEqualTo("0");
            assertThat(c.path("usage").path("memory").asText()).isNotEqualTo("0");
        }
    }

    /** GET through the API server as JSON; a missing node while the server answers 404 (no metrics yet). */
    private static JsonNode raw(String path) throws IOException {
        String body = client.raw(path);
        return body == null ? JSON.missingNode() : JSON.readTree(body);
    }

    private static Kubectl kubectl(Path binary) throws IOException {
        Path home = cluster.base.resolve("home-" + binary.getFileName());
        Files.createDirectories(home);
        return new Kubectl(binary, api.kubeconfig, home);
    }

    /** The rows of kubectl's table (header first), split on runs of spaces. */
    private static List<List<String>> rows(String out) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : out.split("\n")) if (!line.isBlank()) rows.add(List.of(line.trim().split("\\s{2,}")));
        return rows;
    }

    private static List<String> row(List<List<String>> rows, String... first) {
        for (List<String> r : rows) if (r.subList(0, first.length).equals(List.of(first))) return r;
        throw new AssertionError("no row " + List.of(first) + " in " + rows);
    }

    private static int millicores(String cpu) {
        assertThat(cpu).matches("\\d+m");
        return Integer.parseInt(cpu.substring(0, cpu.length() - 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubectls")
    void kubectlTopNodeAndPod(Path binary) throws Exception {
        Kubectl k = kubectl(binary);
        // until both pods and the node have two samples, kubectl says "metrics not available yet"
        Kubectl.Result nodeTop = await("kubectl top node", () -> k.run("top", "node"), res -> res.exit() == 0);
        List<List<String>> nodes = rows(nodeTop.out());
        assertThat(nodes.getFirst()).as(nodeTop.out()).hasSize(5).startsWith("NAME", "CPU(cores)").contains("MEMORY(bytes)");
        List<String> node1 = row(nodes, "node-1");
        assertThat(millicores(node1.get(1))).isPositive();
        assertThat(node1.get(2)).matches("\\d+%");
        assertThat(node1.get(3)).matches("\\d+Mi");
        assertThat(node1.get(4)).matches("\\d+%");
        assertThat(rows(k.ok("top", "node", "node-1").out())).hasSize(2);

        Kubectl.Result podTop = await("kubectl top pod", () -> k.run("top", "pod"), res -> res.exit() == 0 && res.out().contains("burn"));
        List<List<String>> pods = rows(podTop.out());
        assertThat(pods.getFirst()).containsExactly("NAME", "CPU(cores)", "MEMORY(bytes)");
        assertThat(pods).hasSize(2);
        assertThat(millicores(row(pods, "burn").get(1))).isPositive();
        assertThat(row(pods, "burn").get(2)).matches("\\d+Mi");

        Kubectl.Result all = await("kubectl top pod -A", () -> k.run("top", "pod", "-A"),
            res -> res.exit() == 0 && res.out().contains("calm"));
        List<List<String>> allRows = rows(all.out());
        assertThat(allRows.getFirst()).containsExactly("NAMESPACE", "NAME", "CPU(cores)", "MEMORY(bytes)");
        assertThat(millicores(row(allRows, "default", "burn").get(2))).isPositive();
        row(allRows, "other", "calm");

        List<List<String>> containers = rows(k.ok("top", "pod", "--containers").out());
        assertThat(containers.getFirst()).containsExactly("POD", "NAME", "CPU(cores)", "MEMORY(bytes)");
        assertThat(millicores(row(containers, "burn", "burn").get(2))).isPositive();
        millicores(row(containers, "burn", "idle").get(2));

        assertThat(rows(k.ok("top", "pod", "-l", "app=burn", "-n", "default").out())).extracting(r -> r.getFirst())
            .containsExactly("NAME", "burn");
        assertThat(rows(k.ok("top", "pod", "-A", "-l", "app=calm").out())).hasSize(2);
        assertThat(rows(k.ok("top", "pod", "burn").out())).hasSize(2);
        Kubectl.Result none = k.run("top", "pod", "nope");
        assertThat(none.exit()).isNotZero();
        assertThat(none.err()).contains("pods \"nope\" not found");
    }
}
