package dev.beluga.scheduler.framework;

/**
 * A scheduling plugin: a named object implementing one or more extension-point interfaces ({@link FilterPlugin},
 * {@link ScorePlugin}, ...). One instance per profile; its methods may be called concurrently (Filter and Score run in
 * parallel over nodes), so per-pod data belongs in the {@link CycleState}, not in fields.
 */
public interface Plugin {
    /** The plugin's name, as used in the configuration and in {@link Status#plugin()}. */
    String name();
}
