package dev.beluga.scheduler.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.scheduler.framework.Handle;
import dev.beluga.scheduler.framework.Plugin;

/**
 * The service-provider interface for third-party scheduler plugins. A jar on the class path lists its implementation
 * in {@code META-INF/services/dev.beluga.scheduler.spi.PluginProvider}; the scheduler registers it under
 * {@link #name()} and it can then be enabled in the configuration like an in-tree plugin. Implementations need a
 * public no-argument constructor.
 */
public interface PluginProvider {
    /** The plugin name used in the configuration (must not clash with an in-tree plugin). */
    String name();

    /** Creates the plugin for one profile (see {@link dev.beluga.scheduler.framework.PluginFactory}). */
    Plugin create(JsonNode args, Handle handle) throws Exception;
}
