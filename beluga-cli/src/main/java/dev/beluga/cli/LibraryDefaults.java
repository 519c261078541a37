package dev.beluga.cli;

import dev.beluga.http.JettyDefaults;

/**
 * System properties that keep libraries from work Beluga does not need, set before any of them initialises (first
 * thing in a {@code main}); a property the user set on the command line wins. Each saves classes and heap that stay
 * for the life of the process:
 * <ul>
 *   <li>Jetty's padding hint ({@link JettyDefaults}): its {@code MemoryUtils} otherwise starts the JVM's platform
 *       MBean server (~200 JMX classes and every platform MXBean registered) only to ask whether compressed object
 *       pointers are on;</li>
 *   <li>{@code io.netty.jfr.enabled=false}: Netty otherwise loads the JDK's Flight Recorder (~50 classes) to emit
 *       events nobody records (a profiling run turns them on again with the property).</li>
 * </ul>
 * Idempotent; call from the main thread before other threads start.
 */
final class LibraryDefaults {
    private LibraryDefaults() {
    }

    static void apply() {
        JettyDefaults.apply();
        setIfAbsent("io.netty.jfr.enabled", "false");
    }

    /**
     * What every Beluga process does first ({@link Beluga} and {@link AgentMain}): {@link #apply}, then logging set up
     * (LogConfigurator) on the other core while the command line is read and the command starts: logging's setup was
     * about a tenth of a server's start, and the command's first logger would otherwise wait for it.
     */
    static void prepareProcess() {
        apply();
        Thread.ofPlatform().daemon().name("log-init").start(org.slf4j.LoggerFactory::getILoggerFactory);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
