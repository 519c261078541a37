package dev.beluga.http;

/**
 * Jetty's padding hint {@value #REFERENCES_PER_CACHE_LINE}, set before Jetty first runs: without it, Jetty's
 * {@code MemoryUtils} creates the JVM's platform MBean server (~200 JMX classes and every platform MXBean registered,
 * kept for the process's life) only to ask whether object references are compressed. Used by the API server and the
 * node agent's kubelet API. Idempotent; a value the user set wins.
 */
public final class JettyDefaults {
    /** The system property {@code MemoryUtils} reads first. */
    public static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    private JettyDefaults() {
    }

    /** Sets {@value #REFERENCES_PER_CACHE_LINE} unless set. Call before anything touches Jetty. */
    public static void apply() {
        if (System.getProperty(REFERENCES_PER_CACHE_LINE) == null)
            System.setProperty(REFERENCES_PER_CACHE_LINE, Integer.toString(referencesPerCacheLine(Runtime.getRuntime().maxMemory())));
    }

    /**
     * What Jetty would compute: its cache line size ({@code org.eclipse.jetty.util.cacheLineBytes}, default 64) over
     * the size of a reference, 4 bytes when references are compressed, which the JVM does by default for heaps under
     * 32 GiB. Only a padding hint against false sharing: a wrong guess costs a little memory or contention, nothing else.
     */
    static int referencesPerCacheLine(long maxHeapBytes) {
        int cacheLine = Integer.getInteger("org.eclipse.jetty.util.cacheLineBytes", 64);
        return cacheLine / (maxHeapBytes < (32L << 30) ? 4 : 8);
    }
}
