package dev.beluga.apiserver;

import dev.beluga.http.JettyDefaults;

import java.util.ArrayList;
import java.util.List;

/**
 * Classes of the API server's libraries whose static initialisers are slow, initialised ahead of need on a thread of
 * their own so that a server start does it on the other core while the store opens, instead of on the main thread
 * inside {@link ApiServer#start}. Measured on a start (JFR samples of the main thread): Jetty's {@code MemoryUtils}
 * created the JVM's platform MBean server to ask whether object references are compressed (reached from the first
 * {@code QueuedThreadPool}), and {@code MimeTypes} asks for all the JDK's locales (reached from {@code new Server});
 * together about a third of the main thread's time. {@code URIUtil} and Prometheus's properties cost a little.
 *
 * <p>{@link #inBackground} also answers {@code MemoryUtils}'s question itself ({@link JettyDefaults}), so that no MBean
 * server is made at all.
 *
 * <p>Initialising a class on another thread changes nothing but when it happens: the JVM runs each static
 * initialiser once, and a thread that needs a class another thread is initialising waits for it. The classes here
 * need none of Beluga's, so no cycle between threads can form.
 */
public final class SlowClassInit {
    /** Fully qualified names, in the order they are initialised. */
    static final List<String> CLASSES = List.of(
        "org.eclipse.jetty.util.MemoryUtils",
        "org.eclipse.jetty.util.BlockingArrayQueue",
        "org.eclipse.jetty.http.MimeTypes",
        "org.eclipse.jetty.util.URIUtil",
        "io.prometheus.metrics.config.PrometheusProperties");

    private SlowClassInit() {
    }

    /**
     * Sets Jetty's padding hint unless it is set ({@link JettyDefaults}), then starts a daemon thread
     * ({@code slow-class-init}) that initialises {@link #CLASSES}; returns it. Call before anything touches Jetty for
     * the hint to count.
     */
    public static Thread inBackground() {
        JettyDefaults.apply();
        return Thread.ofPlatform().daemon(true).name("slow-class-init").start(SlowClassInit::initialise);
    }

    /**
     * Initialises {@link #CLASSES} on the calling thread; returns the names that could not be (none unless a library
     * changed), so that the list is kept true. Never throws.
     */
    static List<String> initialise() {
        List<String> failed = new ArrayList<>();
        ClassLoader loader = SlowClassInit.class.getClassLoader();
        for (String name : CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                failed.add(name);
            }
        }
        return failed;
    }
}
