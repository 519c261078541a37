package dev.beluga.scheduler.config;

import java.util.List;

/** {@code enabled} and {@code disabled} plugins of one extension point ({@code "*"} disables every default). */
public record PluginSet(List<PluginRef> enabled, List<PluginRef> disabled) {
    public static final PluginSet EMPTY = new PluginSet(List.of(), List.of());

    public PluginSet {
        enabled = enabled == null ? List.of() : List.copyOf(enabled);
        disabled = disabled == null ? List.of() : List.copyOf(disabled);
    }

    public boolean isDisabled(String name) {
        for (PluginRef r : disabled) if (r.name().equals(name) || r.name().equals("*")) return true;
        return false;
    }

    public boolean disablesAll() {
        for (PluginRef r : disabled) if (r.name().equals("*")) return true;
        return false;
    }
}
