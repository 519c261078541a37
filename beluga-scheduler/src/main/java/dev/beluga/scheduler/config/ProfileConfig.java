package dev.beluga.scheduler.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * One {@code profiles[]} entry: the scheduler name pods select with {@code spec.schedulerName}, an optional
 * per-profile {@code percentageOfNodesToScore}, the plugin sets (merged over the defaults) and plugin args by name.
 */
public record ProfileConfig(String schedulerName, Integer percentageOfNodesToScore, Plugins plugins,
                            Map<String, JsonNode> pluginConfig) {
    public ProfileConfig {
        if (schedulerName == null || schedulerName.isEmpty()) schedulerName = "default-scheduler";
        if (plugins == null) plugins = Plugins.empty();
        pluginConfig = pluginConfig == null ? Map.of() : Map.copyOf(pluginConfig);
    }

    public static ProfileConfig defaultProfile() {
        return new ProfileConfig("default-scheduler", null, Plugins.empty(), Map.of());
    }
}
