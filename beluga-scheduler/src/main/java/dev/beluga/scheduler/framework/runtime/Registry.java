package dev.beluga.scheduler.framework.runtime;

import dev.beluga.scheduler.framework.PluginFactory;
import dev.beluga.scheduler.spi.PluginProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Plugin factories by name (upstream {@code runtime.Registry}). Built once at start-up, then read-only; not
 * thread-safe while being filled.
 */
public final class Registry {
    private static final Logger log = LoggerFactory.getLogger(Registry.class);
    private final Map<String, PluginFactory> factories = new LinkedHashMap<>();

    /**
     * Adds a factory.
     *
     * @throws IllegalArgumentException when the name is taken
     */
    public Registry register(String name, PluginFactory factory) {
        if (factories.containsKey(name)) throw new IllegalArgumentException("a plugin named " + name + " already exists");
        factories.put(name, factory);
        return this;
    }

    /** Adds every {@link PluginProvider} found by {@link ServiceLoader} in the class loader (third-party jars). */
    public Registry registerServiceLoaderPlugins(ClassLoader loader) {
        for (PluginProvider p : ServiceLoader.load(PluginProvider.class, loader)) {
            log.info("registering out-of-tree scheduler plugin {} from {}", p.name(), p.getClass().getName());
            register(p.name(), p::create);
        }
        return this;
    }

    public PluginFactory get(String name) {
        return factories.get(name);
    }

    public boolean contains(String name) {
        return factories.containsKey(name);
    }

    public Set<String> names() {
        return factories.keySet();
    }
}
