package dev.beluga.apiserver.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.kubelet.FakeKubelet;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.WriteOptions;
import dev.beluga.apiserver.testing.TestServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * metrics.k8s.io against a started API server scraping stand-in kubelets every 300 ms: discovery, lists and gets of
 * nodes and pods with selectors, what is left out and the errors.
 */
class MetricsApiTest {
    @TempDir
    static Path dir;
    private static TestServer server;
    private static FakeKubelet kubelet;
    private static FakeKubelet hollowKubelet;
    private static KubernetesClient client;
    private static final AtomicInteger hollowScrapes = new AtomicInteger();

    /** Each scrape (counted by {@code scrapes}) is one second later and used half a second more of CPU per container; the node used two. */
    private static String kubeletMetrics(AtomicInteger scrapes) {
        int k = scrapes.incrementAndGet();
        long t = Instant.parse("2024-05-01T10:00:00Z").plusSeconds(k).toEpochMilli();
        StringBuilder sb = new StringBuilder();
        for (String[] c : new String[][] {{"default", "web", "app"}, {"default", "web", "side"}, {"team", "db", "main"},
            {"default", "ghost", "app"}, {"default", "elsewhere", "app"}, {"default", "waiting", "app"}}) {
            String labels = "{container=\"" + c[2] + "\",namespace=\"" + c[0] + "\",pod=\"" + c[1] + "\"}";
            sb.append("container_cpu_usage_seconds_total").append(labels).append(' ').append(10 + 0.5 * k).append(' ').append(t).append('\n');
            sb.append("container_memory_working_set_bytes").append(labels).append(" 13754368 ").append(t).append('\n');
        }
        sb.append("node_cpu_usage_seconds_total ").append(1000 + 2 * k).append(' ').append(t).append('\n');
        sb.append("node_memory_working_set_bytes 2147483648 ").append(t).append('\n');
        return sb.toString();
    }

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(dir.resolve("api"), Duration.ofMillis(300));
        kubelet = new FakeKubelet(server.pki.ca(), List.of(server.pki.caCertificate()));
        AtomicInteger scrapes = new AtomicInteger();
        kubelet.resourceMetrics = () -> kubeletMetrics(scrapes);
        hollowKubelet = new FakeKubelet(server.pki.ca(), List.of(server.pki.caCertificate()));
        hollowKubelet.resourceMetrics = () -> kubeletMetrics(hollowScrapes);
        node("n1", kubelet.port(), "True", Map.of("zone", "a"));
        node("n2", kubelet.port(), "False", Map.of("zone", "b"));
        node("hollow-1", hollowKubelet.port(), "True", Map.of(MetricsScraper.HOLLOW_LABEL, "true"));
        pod("default", "web", "n1", "Running", Map.of("app", "web"));
        pod("team", "db", "n1", "Running", Map.of("app", "db"));
        pod("default", "elsewhere", "n2", "Running", Map.of());
        pod("default", "waiting", "n1", "Pending", Map.of());
        client = server.adminClient();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (json(get("/apis/metrics.k8s.io/v1beta1/pods"), 200).path("items").size() < 2) {
            if (System.nanoTime() > end) throw new AssertionError("no pod metrics within 30 s");
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) client.close();
        if (kubelet != null) kubelet.close();
        if (hollowKubelet != null) hollowKubelet.close();
        if (server != null) server.close();
    }

    private static RegistryStore store(String plural) {
        return server.api.registry().get("", "v1", plural);
    }

    private static void node(String name, int port, String ready, Map<String, String> labels) {
        ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
        ObjectNode meta = node.putObject("metadata").put("name", name);
        labels.forEach(meta.putObject("labels")::put);
        store("nodes").create(null, node, new WriteOptions(false, "test", "Ignore", null));
        store("nodes").update(null, name, n -> {
            ObjectNode status = n.putObject("status");
            status.putArray("addresses").addObject().put("type", "InternalIP").put("address", "127.0.0.1");
            status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", port);
            status.putArray("conditions").addObject().put("type", "Ready").put("status", ready);
            return n;
        }, new WriteOptions(false, "test", "Ignore", "status"));
    }

    private static void pod(String namespace, String name, String nodeName, String phase, Map<String, String> labels) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata").put("name", name).put("namespace", namespace);
        labels.forEach(meta.putObject("labels")::put);
        ObjectNode spec = pod.putObject("spec").put("nodeName", nodeName);
        spec.putArray("containers").addObject().put("name", "app").put("image", "busybox");
        if (store("namespaces").cache().get(store("namespaces").type().storageKey(null, namespace)) == null) {
            ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
            ns.putObject("metadata").put("name", namespace);
            try {
                store("namespaces").create(null, ns, new WriteOptions(false, "test", "Ignore", null));
            } catch (dev.beluga.apiserver.StatusException e) {
                if (e.code() != 409) throw e;
            }
        }
        store("pods").create(namespace, pod, new WriteOptions(false, "test", "Ignore", null));
        store("pods").update(namespace, name, p -> {
            p.putObject("status").put("phase", phase);
            return p;
        }, new WriteOptions(false, "test", "Ignore", "status"));
    }

    private static HttpResponse<String> request(String method, String path) throws Exception {
        HttpRequest.Builder b = client.getHttpClient().newHttpRequestBuilder()
            .uri(client.getConfiguration().getMasterUrl().replaceAll("/$", "") + path);
        if (method.equals("POST")) b.post("application/json", "{}");
        else if (method.equals("DELETE")) b.delete("application/json", "{}");
        return client.getHttpClient().sendAsync(b.build(), String.class).get(10, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return request("GET", path);
    }

    private static JsonNode json(HttpResponse<String> r, int code) throws Exception {
        assertThat(r.code()).as(r.body()).isEqualTo(code);
        return Json.MAPPER.readTree(r.body());
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        for (JsonNode i : list.path("items")) {
            String ns = i.path("metadata").path("namespace").asText("");
            out.add((ns.isEmpty() ? "" : ns + "/") + i.path("metadata").path("name").asText());
        }
        return out;
    }

    @Test
    void discoveryNamesTheGroupInEveryForm() throws Exception {
        JsonNode groups = json(get("/apis"), 200);
        assertThat(groups.path("groups").findValuesAsText("name")).contains("metrics.k8s.io");
        JsonNode group = json(get("/apis/metrics.k8s.io"), 200);
        assertThat(group.path("preferredVersion").path("groupVersion").asText()).isEqualTo("metrics.k8s.io/v1beta1");
        JsonNode resources = json(get("/apis/metrics.k8s.io/v1beta1"), 200);
        assertThat(resources.path("groupVersion").asText()).isEqualTo("metrics.k8s.io/v1beta1");
        assertThat(resources.path("resources").toString())
            .contains("{\"name\":\"nodes\",\"singularName\":\"nodemetrics\",\"namespaced\":false,\"kind\":\"NodeMetrics\",\"verbs\":[\"get\",\"list\"]}")
            .contains("{\"name\":\"pods\",\"singularName\":\"podmetrics\",\"namespaced\":true,\"kind\":\"PodMetrics\",\"verbs\":[\"get\",\"list\"]}");
        HttpRequest aggregated = client.getHttpClient().newHttpRequestBuilder()
            .uri(client.getConfiguration().getMasterUrl().replaceAll("/$", "") + "/apis")
            .header("Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList").build();
        JsonNode agg = Json.MAPPER.readTree(client.getHttpClient().sendAsync(aggregated, String.class).get(10, TimeUnit.SECONDS).body());
        JsonNode metrics = null;
        for (JsonNode item : agg.path("items")) if (item.path("metadata").path("name").asText().equals("metrics.k8s.io")) metrics = item;
        assertThat(metrics).isNotNull();
        assertThat(metrics.path("versions").get(0).path("resources").toString())
            .contains("\"resource\":\"nodes\"").contains("\"scope\":\"Cluster\"").contains("\"kind\":\"NodeMetrics\"")
            .contains("\"resource\":\"pods\"").contains("\"scope\":\"Namespaced\"").contains("\"kind\":\"PodMetrics\"");
        assertThat(get("/apis/metrics.k8s.io/v1").code()).isEqualTo(404);
    }

    @Test
    void nodeMetricsOfReadyScrapedNodes() throws Exception {
        JsonNode list = json(get("/apis/metrics.k8s.io/v1beta1/nodes"), 200);
        assertThat(list.path("kind").asText()).isEqualTo("NodeMetricsList");
        assertThat(list.path("apiVersion").asText()).isEqualTo("metrics.k8s.io/v1beta1");
        assertThat(names(list)).as("n2 is not Ready, hollow-1 is hollow").containsExactly("n1");
        JsonNode n1 = list.path("items").get(0);
        assertThat(n1.path("usage").path("cpu").asText()).isEqualTo("2");
        assertThat(n1.path("usage").path("memory").asText()).isEqualTo("2Gi");
        assertThat(n1.path("window").asText()).isEqualTo("1s");
        assertThat(n1.path("metadata").path("labels").path("zone").asText()).isEqualTo("a");
        assertThat(n1.path("timestamp").asText()).matches("2024-05-01T10:\\d\\d:\\d\\dZ");
        assertThat(hollowScrapes.get()).isZero();

        JsonNode one = json(get("/apis/metrics.k8s.io/v1beta1/nodes/n1"), 200);
        assertThat(one.path("kind").asText()).isEqualTo("NodeMetrics");
        assertThat(one.path("usage").path("cpu").asText()).isEqualTo("2");
        assertThat(names(json(get("/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=zone%3Db"), 200))).isEmpty();
        assertThat(names(json(get("/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=zone%3Da"), 200))).containsExactly("n1");
        assertThat(names(json(get("/apis/metrics.k8s.io/v1beta1/nodes?fieldSelector=metadata.name%3Dn1"), 200))).containsExactly("n1");
    }

    @Test
    void podMetricsOfRunningPodsOnTheNodesThatReportThem() throws Exception {
        JsonNode all = json(get("/apis/metrics.k8s.io/v1beta1/pods"), 200);
        assertThat(all.path("kind").asText()).isEqualTo("PodMetricsList");
        // ghost is not in the API, elsewhere is on n2 (reported by n1's kubelet), waiting is not Running
        assertThat(names(all)).containsExactly("default/web", "team/db");
        JsonNode web = all.path("items").get(0);
        assertThat(web.path("containers").toString()).isEqualTo(
            "[{\"name\":\"app\",\"usage\":{\"cpu\":\"500m\",\"memory\":\"13432Ki\"}},{\"name\":\"side\",\"usage\":{\"cpu\":\"500m\",\"memory\":\"13432Ki\"}}]");
        assertThat(web.path("metadata").path("labels").path("app").asText()).isEqualTo("web");
        assertThat(web.path("window").asText()).isEqualTo("1s");

        assertThat(names(json(get("/apis/metrics.k8s.io/v1beta1/namespaces/team/pods"), 200))).containsExactly("team/db");
        assertThat(names(json(get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dweb"), 200)))
            .containsExactly("default/web");
        assertThat(names(json(get("/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%20in%20(db)"), 200))).containsExactly("team/db");
        assertThat(names(json(get("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=metadata.namespace%3Ddefault"), 200)))
            .containsExactly("default/web");
        JsonNode one = json(get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web"), 200);
        assertThat(one.path("kind").asText()).isEqualTo("PodMetrics");
        assertThat(one.path("metadata").path("namespace").asText()).isEqualTo("default");
    }

    @Test
    void tablesForKubectlGet() throws Exception {
        HttpRequest.Builder b = client.getHttpClient().newHttpRequestBuilder()
            .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        String url = client.getConfiguration().getMasterUrl().replaceAll("/$", "");
        HttpResponse<String> pods = client.getHttpClient().sendAsync(b.uri(url + "/apis/metrics.k8s.io/v1beta1/pods").build(),
            String.class).get(10, TimeUnit.SECONDS);
        assertThat(pods.header("Content-Type")).isEqualTo("application/json;as=Table;v=v1;g=meta.k8s.io");
        JsonNode table = json(pods, 200);
        assertThat(table.path("kind").asText()).isEqualTo("Table");
        assertThat(table.path("columnDefinitions").findValuesAsText("name")).containsExactly("Name", "cpu", "memory", "Window");
        // web: two containers of 500m and 13432Ki each
        assertThat(table.path("rows").get(0).path("cells").toString()).isEqualTo("[\"web\",\"1\",\"26864Ki\",\"1s\"]");
        assertThat(table.path("rows").get(1).path("object").path("metadata").path("namespace").asText()).isEqualTo("team");
        JsonNode node = json(client.getHttpClient().sendAsync(b.uri(url + "/apis/metrics.k8s.io/v1beta1/nodes/n1").build(),
            String.class).get(10, TimeUnit.SECONDS), 200);
        assertThat(node.path("rows").get(0).path("cells").toString()).isEqualTo("[\"n1\",\"2\",\"2Gi\",\"1s\"]");
    }

    @Test
    void errorsAsMetricsServer() throws Exception {
        JsonNode noNode = json(get("/apis/metrics.k8s.io/v1beta1/nodes/nope"), 404);
        assertThat(noNode.path("message").asText()).isEqualTo("nodes \"nope\" not found");
        JsonNode notYet = json(get("/apis/metrics.k8s.io/v1beta1/nodes/n2"), 404);
        assertThat(notYet.path("message").asText()).isEqualTo("nodemetrics.metrics.k8s.io \"n2\" not found");
        assertThat(notYet.path("reason").asText()).isEqualTo("NotFound");
        assertThat(json(get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope"), 404).path("message").asText())
            .isEqualTo("pods \"nope\" not found");
        assertThat(json(get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/waiting"), 404).path("message").asText())
            .isEqualTo("podmetrics.metrics.k8s.io \"default/waiting\" not found");
        assertThat(json(get("/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=%3D%3D"), 400).path("reason").asText())
            .isEqualTo("BadRequest");
        JsonNode watch = json(get("/apis/metrics.k8s.io/v1beta1/nodes?watch=true"), 405);
        assertThat(watch.path("message").asText()).isEqualTo("watch is not supported on resources of kind \"nodes.metrics.k8s.io\"");
        assertThat(json(request("POST", "/apis/metrics.k8s.io/v1beta1/nodes"), 405).path("reason").asText()).isEqualTo("MethodNotAllowed");
        assertThat(json(request("DELETE", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web"), 405).path("reason").asText())
            .isEqualTo("MethodNotAllowed");
        assertThat(get("/apis/metrics.k8s.io/v1beta1/services").code()).isEqualTo(404);
        assertThat(get("/apis/metrics.k8s.io/v1beta1/namespaces/default/nodes").code()).isEqualTo(404);
    }

    @Test
    void aKubeletThatFailsIsLeftOutUntilScrapedTwiceAgain() throws Exception {
        FakeKubelet flaky = new FakeKubelet(server.pki.ca(), List.of(server.pki.caCertificate()));
        try {
            flaky.resourceMetrics = () -> null; // 500
            node("flaky", flaky.port(), "True", Map.of());
            Thread.sleep(1000);
            assertThat(get("/apis/metrics.k8s.io/v1beta1/nodes/flaky").code()).isEqualTo(404);
            assertThat(names(json(get("/apis/metrics.k8s.io/v1beta1/nodes"), 200))).containsExactly("n1");
            AtomicInteger scrapes = new AtomicInteger();
            flaky.resourceMetrics = () -> kubeletMetrics(scrapes);
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (get("/apis/metrics.k8s.io/v1beta1/nodes/flaky").code() != 200) {
                assertThat(System.nanoTime()).as("flaky's metrics within 20 s").isLessThan(end);
                Thread.sleep(100);
            }
        } finally {
            store("nodes").delete(null, "flaky", dev.beluga.apiserver.registry.DeleteOptions.defaults());
            flaky.close();
        }
    }
}
