package dev.beluga.scheduler.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code KubeSchedulerConfiguration} ({@code kubescheduler.config.k8s.io/v1}) from YAML or JSON:
 *
 * <pre>
 * apiVersion: kubescheduler.config.k8s.io/v1
 * kind: KubeSchedulerConfiguration
 * percentageOfNodesToScore: 0          # 0 = adaptive
 * parallelism: 2
 * podInitialBackoffSeconds: 1
 * podMaxBackoffSeconds: 10
 * profiles:
 * - schedulerName: default-scheduler
 *   plugins:
 *     score:
 *       disabled: [{name: NodeResourcesBalancedAllocation}]
 *       enabled: [{name: ImageLocality, weight: 5}]
 *     multiPoint:
 *       enabled: [{name: MyPlugin}]
 *   pluginConfig:
 *   - name: NodeResourcesFit
 *     args: {scoringStrategy: {type: MostAllocated}}
 * </pre>
 *
 * Fields Beluga does not use ({@code leaderElection}, {@code clientConnection}, ...) are ignored; {@code extenders}
 * is rejected because extenders are not supported. Errors name the offending field.
 */
public final class ConfigLoader {
    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> IGNORED = Set.of("apiVersion", "kind", "leaderElection", "clientConnection",
        "healthzBindAddress", "metricsBindAddress", "enableProfiling", "enableContentionProfiling", "delayCacheUntilActive");

    private ConfigLoader() {
    }

    public static SchedulerConfiguration load(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /**
     * @throws IllegalArgumentException when the text is not a valid configuration
     */
    public static SchedulerConfiguration parse(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("scheduler configuration is not valid YAML or JSON: " + e.getMessage(), e);
        }
        if (root == null || root.isNull() || root.isMissingNode()) return SchedulerConfiguration.defaults();
        if (!root.isObject()) throw new IllegalArgumentException("scheduler configuration must be an object");
        String kind = root.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals("KubeSchedulerConfiguration"))
            throw new IllegalArgumentException("kind: must be KubeSchedulerConfiguration, got \"" + kind + "\"");
        String apiVersion = root.path("apiVersion").asText("");
        if (!apiVersion.isEmpty() && !apiVersion.startsWith("kubescheduler.config.k8s.io/"))
            throw new IllegalArgumentException("apiVersion: must be kubescheduler.config.k8s.io/v1, got \"" + apiVersion + "\"");
        if (root.has("extenders") && root.get("extenders").size() > 0)
            throw new IllegalArgumentException("extenders: scheduler extenders are not supported");
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!IGNORED.contains(f) && !Set.of("percentageOfNodesToScore", "parallelism", "podInitialBackoffSeconds",
                "podMaxBackoffSeconds", "profiles", "extenders").contains(f))
                log.warn("scheduler configuration: unknown field {} ignored", f);
        }
        Integer pct = optInt(root, "percentageOfNodesToScore");
        Integer par = optInt(root, "parallelism");
        Integer ib = optInt(root, "podInitialBackoffSeconds");
        Integer mb = optInt(root, "podMaxBackoffSeconds");
        List<ProfileConfig> profiles = new ArrayList<>();
        JsonNode ps = root.path("profiles");
        if (!ps.isMissingNode() && !ps.isNull()) {
            if (!ps.isArray()) throw new IllegalArgumentException("profiles: must be a list");
            for (int i = 0; i < ps.size(); i++) profiles.add(profile(ps.get(i), "profiles[" + i + "]"));
        }
        return new SchedulerConfiguration(pct, par == null ? 0 : par,
            ib == null ? null : Duration.ofSeconds(ib), mb == null ? null : Duration.ofSeconds(mb), profiles);
    }

    private static ProfileConfig profile(JsonNode p, String path) {
        if (!p.isObject()) throw new IllegalArgumentException(path + ": must be an object");
        String name = p.path("schedulerName").asText("default-scheduler");
        Integer pct = optInt(p, "percentageOfNodesToScore");
        if (pct != null && (pct < 0 || pct > 100)) throw new IllegalArgumentException(path + ".percentageOfNodesToScore: must be in [0, 100]");
        Map<ExtensionPoint, PluginSet> sets = new EnumMap<>(ExtensionPoint.class);
        JsonNode plugins = p.path("plugins");
        if (plugins.isObject()) {
            for (ExtensionPoint ep : ExtensionPoint.values()) {
                JsonNode s = plugins.path(ep.fieldName());
                if (s.isMissingNode() || s.isNull()) continue;
                String sp = path + ".plugins." + ep.fieldName();
                sets.put(ep, new PluginSet(refs(s.path("enabled"), sp + ".enabled"), refs(s.path("disabled"), sp + ".disabled")));
            }
        }
        Map<String, JsonNode> args = new HashMap<>();
        JsonNode pc = p.path("pluginConfig");
        if (!pc.isMissingNode() && !pc.isNull()) {
            if (!pc.isArray()) throw new IllegalArgumentException(path + ".pluginConfig: must be a list");
            for (int i = 0; i < pc.size(); i++) {
                JsonNode e = pc.get(i);
                String n = e.path("name").asText("");
                if (n.isEmpty()) throw new IllegalArgumentException(path + ".pluginConfig[" + i + "].name: required");
                if (args.containsKey(n)) throw new IllegalArgumentException(path + ".pluginConfig[" + i + "]: duplicate config for plugin " + n);
                JsonNode a = e.path("args");
                args.put(n, a.isObject() ? a : JsonNodeFactory.instance.objectNode());
            }
        }
        return new ProfileConfig(name, pct, new Plugins(sets), args);
    }

    private static List<PluginRef> refs(JsonNode list, String path) {
        List<PluginRef> out = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) return out;
        if (!list.isArray()) throw new IllegalArgumentException(path + ": must be a list");
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            String n = e.path("name").asText("");
            if (n.isEmpty()) throw new IllegalArgumentException(path + "[" + i + "].name: required");
            Integer w = optInt(e, "weight");
            if (w != null && w < 0) throw new IllegalArgumentException(path + "[" + i + "].weight: must not be negative");
            out.add(new PluginRef(n, w));
        }
        return out;
    }

    private static Integer optInt(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) return null;
        if (!v.canConvertToInt() || !(v.isNumber() || v.isTextual())) throw new IllegalArgumentException(field + ": must be an integer");
        if (v.isTextual()) {
            try {
                return Integer.parseInt(v.asText());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(field + ": must be an integer");
            }
        }
        return v.asInt();
    }
}
