package dev.beluga.scheduler.framework;

/**
 * A typed key of the {@link CycleState}; identity is the name. Plugins keep one constant key per kind of data.
 *
 * @param name unique name, conventionally {@code "PreFilter" + pluginName}
 * @param type the stored type, for the checked cast on read
 */
public record StateKey<T extends StateData>(String name, Class<T> type) {
}
