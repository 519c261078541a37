package dev.beluga.apiserver.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.discovery.Discovery;
import dev.beluga.apiserver.http.Exchange;
import dev.beluga.apiserver.http.Negotiation;
import dev.beluga.apiserver.http.Tables;
import dev.beluga.apiserver.metrics.KubeletMetrics.PodName;
import dev.beluga.apiserver.registry.CachedObject;
import dev.beluga.apiserver.registry.Filters;
import dev.beluga.apiserver.registry.ObjectFilter;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.table.TableColumns;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /apis/metrics.k8s.io/v1beta1}: {@code nodes} (NodeMetrics, cluster-scoped) and {@code pods} (PodMetrics,
 * namespaced), get and list, as metrics-server serves them from {@link MetricsStorage}:
 *
 * <ul>
 *   <li>lists take the nodes or pods of the API (label and field selectors as on {@code nodes} and {@code pods}) and
 *       leave out those without figures yet (fewer than two samples), and pods not Running; ordered by name
 *       (namespace, then name for pods);</li>
 *   <li>get: 404 {@code nodes "n" not found} / {@code pods "p" not found} when the object does not exist, 404
 *       {@code nodemetrics.metrics.k8s.io "n" not found} / {@code podmetrics.metrics.k8s.io "ns/p" not found} when it
 *       has no figures (yet);</li>
 *   <li>objects: {@code metadata} (name, namespace, the node's or pod's labels, {@code creationTimestamp} now),
 *       {@code timestamp}, {@code window}, and {@code usage} ({@code cpu} in canonical quantities such as
 *       {@code 250m}, {@code memory} such as {@code 13432Ki}) — per container for pods;</li>
 *   <li>GET only (405 otherwise); {@code watch} is 405 {@code watch is not supported on resources of kind ...};</li>
 *   <li>JSON, or a Table for {@code kubectl get nodemetrics/podmetrics}: Name, cpu, memory (a pod's containers
 *       summed) and Window, as metrics-server prints them.</li>
 * </ul>
 */
public final class MetricsApi {
    public static final String GROUP = "metrics.k8s.io";
    public static final String VERSION = "v1beta1";
    private static final String API_VERSION = GROUP + "/" + VERSION;

    private final RegistryStore nodes;
    private final RegistryStore pods;
    private final MetricsStorage storage;
    private final Clock clock;

    MetricsApi(RegistryStore nodes, RegistryStore pods, MetricsStorage storage, Clock clock) {
        this.nodes = nodes;
        this.pods = pods;
        this.storage = storage;
        this.clock = clock;
    }

    /** The group for discovery: {@code nodes} (NodeMetrics) and {@code pods} (PodMetrics), verbs get and list. */
    public static Discovery.ExtraGroup discovery() {
        List<ObjectNode> legacy = new ArrayList<>();
        List<ObjectNode> aggregated = new ArrayList<>();
        for (String[] r : new String[][] {{"nodes", "nodemetrics", "NodeMetrics", "false"}, {"pods", "podmetrics", "PodMetrics", "true"}}) {
            boolean namespaced = Boolean.parseBoolean(r[3]);
            ObjectNode l = Json.object().put("name", r[0]).put("singularName", r[1]).put("namespaced", namespaced).put("kind", r[2]);
            l.putArray("verbs").add("get").add("list");
            legacy.add(l);
            ObjectNode a = Json.object().put("resource", r[0]);
            a.putObject("responseKind").put("group", GROUP).put("version", VERSION).put("kind", r[2]);
            a.put("scope", namespaced ? "Namespaced" : "Cluster").put("singularResource", r[1]);
            a.putArray("verbs").add("get").add("list");
            aggregated.add(a);
        }
        return new Discovery.ExtraGroup(GROUP, VERSION, legacy, aggregated);
    }

    /**
     * Serves {@code /apis/metrics.k8s.io/<version>/<rest...>}.
     *
     * @return the resource for request metrics ({@code nodes} or {@code pods})
     */
    public String handle(Exchange ex, String version, String[] rest) {
        boolean nodePath = rest.length >= 1 && rest.length <= 2 && rest[0].equals("nodes");
        boolean allPods = rest.length == 1 && rest[0].equals("pods");
        boolean nsPods = (rest.length == 3 || rest.length == 4) && rest[0].equals("namespaces") && rest[2].equals("pods");
        if (!version.equals(VERSION) || !(nodePath || allPods || nsPods))
            throw new StatusException(404, "NotFound", "the server could not find the requested resource");
        String resource = nodePath ? "nodes" : "pods";
        if (!ex.method().equals("GET"))
            throw StatusException.methodNotAllowed("the server does not allow this method on the requested resource");
        String name = nodePath ? (rest.length == 2 ? rest[1] : null) : nsPods && rest.length == 4 ? rest[3] : null;
        if (name == null && ex.queryFlag("watch"))
            throw StatusException.methodNotAllowed("watch is not supported on resources of kind \"" + resource + "." + GROUP + "\"");
        Instant now = clock.instant();
        List<Item> items;
        String kind;
        if (nodePath) {
            items = name == null ? nodeList(ex, now) : List.of(nodeMetrics(name, now));
            kind = "NodeMetrics";
        } else {
            String namespace = nsPods ? rest[1] : null;
            items = name == null ? podList(ex, namespace, now) : List.of(podMetrics(namespace, name, now));
            kind = "PodMetrics";
        }
        Negotiation n = Negotiation.of(ex.header("Accept"));
        if (n.format() == Negotiation.Format.TABLE) {
            ObjectNode table = Tables.table(columns(items), items.stream().map(Item::json).toList(), n.tableVersion(),
                null, null, null, true);
            ex.send(200, "application/json;as=Table;v=" + n.tableVersion() + ";g=meta.k8s.io", Json.bytes(table));
        } else if (name != null) {
            ObjectNode typed = Json.object().put("kind", kind).put("apiVersion", API_VERSION);
            ex.sendJson(200, typed.setAll(items.getFirst().json()));
        } else {
            ObjectNode list = Json.object().put("kind", kind + "List").put("apiVersion", API_VERSION);
            list.putObject("metadata");
            ArrayNode array = list.putArray("items");
            items.forEach(i -> array.add(i.json()));
            ex.sendJson(200, list);
        }
        return resource;
    }

    /** One NodeMetrics or PodMetrics, and its totals for a Table. */
    private record Item(ObjectNode json, long cpuNanoCores, long memoryBytes) {
    }

    /** metrics-server's columns: Name, the usage's resources in name order, the window. */
    private static TableColumns columns(List<Item> items) {
        Map<ObjectNode, Item> byJson = new IdentityHashMap<>();
        items.forEach(i -> byJson.put(i.json(), i));
        return new TableColumns(List.of(
            new TableColumns.Column("Name", "string", "name", "Name of the resource", 0, o -> o.path("metadata").path("name").asText()),
            new TableColumns.Column("cpu", "string", "quantity", "", 0, o -> MetricsFormats.cpu(byJson.get(o).cpuNanoCores())),
            new TableColumns.Column("memory", "string", "quantity", "", 0, o -> MetricsFormats.memory(byJson.get(o).memoryBytes())),
            new TableColumns.Column("Window", "string", "duration", "", 0, o -> o.path("window").asText())));
    }

    private List<Item> nodeList(Exchange ex, Instant now) {
        ObjectFilter filter = Filters.of(nodes.type(), ex.query("labelSelector"), ex.query("fieldSelector"));
        List<CachedObject> found = new ArrayList<>(nodes.cache().snapshot(nodes.type().storagePrefix(null), filter).items());
        found.sort(Comparator.comparing(CachedObject::name));
        List<Item> items = new ArrayList<>();
        for (CachedObject n : found) storage.node(n.name()).ifPresent(u -> items.add(nodeItem(n.object(), u, now)));
        return items;
    }

    private Item nodeMetrics(String name, Instant now) {
        ObjectNode node = nodes.get(null, name, "0");
        MetricsStorage.Usage usage = storage.node(name)
            .orElseThrow(() -> StatusException.notFound(GROUP, "nodemetrics", name));
        return nodeItem(node, usage, now);
    }

    private static Item nodeItem(ObjectNode node, MetricsStorage.Usage u, Instant now) {
        ObjectNode o = Json.object();
        metadata(o, node, now);
        o.put("timestamp", time(u.timestamp())).put("window", MetricsFormats.goDuration(u.window()));
        o.putObject("usage").put("cpu", MetricsFormats.cpu(u.cpuNanoCores())).put("memory", MetricsFormats.memory(u.memoryBytes()));
        return new Item(o, u.cpuNanoCores(), u.memoryBytes());
    }

    private List<Item> podList(Exchange ex, String namespace, Instant now) {
        ObjectFilter filter = Filters.of(pods.type(), ex.query("labelSelector"), ex.query("fieldSelector"));
        List<CachedObject> found = new ArrayList<>(pods.cache().snapshot(pods.type().storagePrefix(namespace), filter).items());
        found.sort(Comparator.comparing((CachedObject c) -> c.namespace()).thenComparing(CachedObject::name));
        List<Item> items = new ArrayList<>();
        for (CachedObject p : found) podItem(p.object(), now).ifPresent(items::add);
        return items;
    }

    private Item podMetrics(String namespace, String name, Instant now) {
        ObjectNode pod = pods.get(namespace, name, "0");
        return podItem(pod, now).orElseThrow(() -> StatusException.notFound(GROUP, "podmetrics", namespace + "/" + name));
    }

    /** The pod's metrics: only for a Running pod with figures. */
    private Optional<Item> podItem(ObjectNode pod, Instant now) {
        if (!"Running".equals(pod.path("status").path("phase").asText())) return Optional.empty();
        JsonNode meta = pod.path("metadata");
        return storage.pod(new PodName(meta.path("namespace").asText(), meta.path("name").asText())).map(u -> {
            ObjectNode o = Json.object();
            metadata(o, pod, now);
            o.put("timestamp", time(u.timestamp())).put("window", MetricsFormats.goDuration(u.window()));
            ArrayNode containers = o.putArray("containers");
            long cpu = 0;
            long memory = 0;
            for (MetricsStorage.ContainerUsage c : u.containers()) {
                containers.addObject().put("name", c.name()).putObject("usage")
                    .put("cpu", MetricsFormats.cpu(c.cpuNanoCores())).put("memory", MetricsFormats.memory(c.memoryBytes()));
                cpu += c.cpuNanoCores();
                memory += c.memoryBytes();
            }
            return new Item(o, cpu, memory);
        });
    }

    private static void metadata(ObjectNode o, JsonNode of, Instant now) {
        ObjectNode m = o.putObject("metadata");
        m.put("name", of.path("metadata").path("name").asText());
        if (of.path("metadata").has("namespace")) m.put("namespace", of.path("metadata").path("namespace").asText());
        m.put("creationTimestamp", time(now));
        JsonNode labels = of.path("metadata").path("labels");
        if (labels.isObject() && !labels.isEmpty()) m.set("labels", labels.deepCopy());
    }

    /** {@code metav1.Time}: RFC 3339 in UTC, whole seconds. */
    private static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
