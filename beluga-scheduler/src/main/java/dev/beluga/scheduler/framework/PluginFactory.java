package dev.beluga.scheduler.framework;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Builds a plugin for one profile. {@code args} are the plugin's {@code pluginConfig[].args} from the configuration
 * (a JSON object, possibly empty, never null); the handle gives access to the snapshot, listers and clients.
 */
@FunctionalInterface
public interface PluginFactory {
    Plugin create(JsonNode args, Handle handle) throws Exception;
}
