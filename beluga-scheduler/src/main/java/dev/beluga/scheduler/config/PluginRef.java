package dev.beluga.scheduler.config;

/** A plugin named in a plugin set; {@code weight} (score only) is null when not given. */
public record PluginRef(String name, Integer weight) {
    public static PluginRef of(String name) {
        return new PluginRef(name, null);
    }

    public static PluginRef of(String name, int weight) {
        return new PluginRef(name, weight);
    }
}
