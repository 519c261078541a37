package dev.beluga.scheduler.config;

import java.util.EnumMap;
import java.util.Map;

/** The {@code plugins} of a profile: one {@link PluginSet} per extension point (missing ones are empty). Immutable. */
public record Plugins(Map<ExtensionPoint, PluginSet> sets) {
    public Plugins {
        EnumMap<ExtensionPoint, PluginSet> m = new EnumMap<>(ExtensionPoint.class);
        if (sets != null) m.putAll(sets);
        sets = java.util.Collections.unmodifiableMap(m);
    }

    public static Plugins empty() {
        return new Plugins(Map.of());
    }

    public PluginSet get(ExtensionPoint p) {
        return sets.getOrDefault(p, PluginSet.EMPTY);
    }

    public Plugins with(ExtensionPoint p, PluginSet set) {
        EnumMap<ExtensionPoint, PluginSet> m = new EnumMap<>(ExtensionPoint.class);
        m.putAll(sets);
        m.put(p, set);
        return new Plugins(m);
    }
}
