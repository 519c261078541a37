package dev.beluga.apiserver.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.kubelet.KubeletAddress;
import dev.beluga.apiserver.kubelet.KubeletClient;
import dev.beluga.apiserver.kubelet.KubeletClientTls;
import dev.beluga.apiserver.metrics.KubeletMetrics.PodName;
import dev.beluga.apiserver.registry.CachedObject;
import dev.beluga.apiserver.registry.ObjectFilter;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * metrics-server inside the API server: every {@link #resolution()} (15 s by default, metrics-server's
 * {@code --metric-resolution}) it asks the kubelet of every Ready node for {@code GET /metrics/resource} (except
 * hollow nodes, labelled {@value #HOLLOW_LABEL}{@code =true}, whose kubelets are fakes with no address) — at the
 * node's kubelet address ({@link KubeletAddress}) with the API server's kubelet client certificate, all nodes at
 * once, each within 90% of the resolution — decodes the answers ({@link KubeletMetrics}), drops pods the API does not
 * place on the node that reported them, and stores the scrape ({@link MetricsStorage}); {@link #api()} serves it.
 * A node that cannot be scraped is left out of that scrape (and so has no figures until it has been scraped twice
 * again); failures are logged once per node until it recovers.
 *
 * <p>Lifecycle: {@link #start()} scrapes at once and then periodically on a thread of its own; {@link #close()} stops.
 */
public final class MetricsScraper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsScraper.class);
    /** metrics-server's default resolution. */
    public static final Duration DEFAULT_RESOLUTION = Duration.ofSeconds(15);
    /** The label of hollow nodes (beluga-hollow), which are not scraped. */
    public static final String HOLLOW_LABEL = "beluga.dev/hollow";

    private final RegistryStore nodes;
    private final RegistryStore pods;
    private final KubeletClient kubelets;
    private final Duration resolution;
    private final Clock clock;
    private final MetricsStorage storage;
    private final MetricsApi api;
    private final Map<String, String> failing = new java.util.concurrent.ConcurrentHashMap<>();
    private ScheduledExecutorService timer;
    private ExecutorService requests;

    public MetricsScraper(ResourceRegistry registry, KubeletClientTls tls, Duration resolution, Clock clock) {
        this.nodes = registry.get("", "v1", "nodes");
        this.pods = registry.get("", "v1", "pods");
        this.kubelets = new KubeletClient(tls);
        this.resolution = resolution;
        this.clock = clock;
        this.storage = new MetricsStorage(resolution);
        this.api = new MetricsApi(nodes, pods, storage, clock);
    }

    /** The metrics.k8s.io handler over what this scraper stores. */
    public MetricsApi api() {
        return api;
    }

    public Duration resolution() {
        return resolution;
    }

    /** Scrapes now, then every resolution. */
    public synchronized void start() {
        if (timer != null) throw new IllegalStateException("already started");
        requests = Executors.newVirtualThreadPerTaskExecutor();
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon(true).name("metrics-scraper").factory());
        timer.scheduleAtFixedRate(this::scrapeQuietly, 0, resolution.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scrapeQuietly() {
        try {
            scrapeOnce();
        } catch (RuntimeException e) {
            log.warn("scraping the kubelets' resource metrics failed: {}", e.toString());
        }
    }

    /** One scrape of every Ready node, stored when all answers are in (or timed out). */
    void scrapeOnce() {
        List<ObjectNode> ready = new ArrayList<>();
        for (CachedObject n : nodes.cache().snapshot(nodes.type().storagePrefix(null), ObjectFilter.ALL).items()) {
            if ("true".equals(n.labels().get(HOLLOW_LABEL))) continue;
            ObjectNode node = n.object();
            if (isReady(node)) ready.add(node);
        }
        Duration timeout = resolution.multipliedBy(9).dividedBy(10);
        Map<String, Future<KubeletMetrics>> answers = new HashMap<>();
        for (ObjectNode node : ready) {
            String name = node.path("metadata").path("name").asText();
            answers.put(name, requests.submit(() -> scrape(node, timeout)));
        }
        Map<String, MetricsPoint> nodePoints = new HashMap<>();
        Map<PodName, Map<String, MetricsPoint>> podPoints = new HashMap<>();
        for (Map.Entry<String, Future<KubeletMetrics>> e : answers.entrySet()) {
            String node = e.getKey();
            KubeletMetrics m;
            try {
                m = e.getValue().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
                if (failing.remove(node) != null) log.info("scraping node {}'s kubelet works again", node);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception ex) {
                e.getValue().cancel(true);
                String why = ex instanceof java.util.concurrent.ExecutionException ? String.valueOf(ex.getCause()) : ex.toString();
                if (failing.put(node, why) == null) log.warn("scraping node {}'s kubelet for resource metrics: {}", node, why);
                continue;
            }
            if (m.node() != null) nodePoints.put(node, m.node());
            m.pods().forEach((pod, containers) -> {
                if (onNode(pod, node)) podPoints.putIfAbsent(pod, containers);
            });
        }
        failing.keySet().retainAll(answers.keySet());
        storage.store(nodePoints, podPoints);
    }

    private KubeletMetrics scrape(ObjectNode node, Duration timeout) throws Exception {
        URI uri = KubeletAddress.of(node).uri("/metrics/resource", "");
        Instant requestTime = clock.instant();
        HttpResponse<InputStream> response = kubelets.get(uri, false, "", timeout);
        String text;
        try (InputStream in = response.body()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return KubeletMetrics.decode(text, requestTime);
    }

    /** Whether the API has the pod, on this node (metrics-server drops other pods as reported by an unauthorized node). */
    private boolean onNode(PodName pod, String node) {
        CachedObject p = pods.cache().get(pods.type().storageKey(pod.namespace(), pod.name()));
        return p != null && node.equals(p.field("spec.nodeName"));
    }

    static boolean isReady(JsonNode node) {
        for (JsonNode c : node.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) return "True".equals(c.path("status").asText());
        }
        return false;
    }

    @Override
    public synchronized void close() {
        if (timer != null) timer.shutdownNow();
        if (requests != null) requests.shutdownNow();
        kubelets.close();
    }
}
