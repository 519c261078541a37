package dev.beluga.cli;

/**
 * System properties that keep libraries from work Beluga does not need, set before any of them initialises (first
 * thing in a {@code main}); a property the user set on the command line wins. Each saves classes and heap that stay
 * for the life of the process:
 * <ul>
 *   <li>{@code org.eclipse.jetty.util.referencesPerCacheLine=16}: Jetty's {@code MemoryUtils} otherwise starts the
 *       JVM's platform MBean server (~200 JMX classes and every platform MXBean registered) only to ask whether
 *       compressed object pointers are on, to size its queues' padding; they are (heaps under 32 GiB), and a 64-byte
 *       cache line holds 16 four-byte references;</li>
 *   <li>{@code io.netty.jfr.enabled=false}: Netty otherwise loads the JDK's Flight Recorder (~50 classes) to emit
 *       events nobody records (a profiling run turns them on again with the property).</li>
 * </ul>
 * Idempotent; call from the main thread before other threads start.
 */
final class LibraryDefaults {
    private LibraryDefaults() {
    }

    static void apply() {
        setIfAbsent("org.eclipse.jetty.util.referencesPerCacheLine", "16");
        setIfAbsent("io.netty.jfr.enabled", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
