package dev.beluga.cli;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Full garbage collections of a node agent at chosen moments, so that its heap shrinks back towards its live size:
 * once a little after start-up, then whenever the committed heap has grown by a quarter since the last one (checked
 * once a minute).
 *
 * <p>Why: start-up is a burst of short-lived garbage (class loading, the join, the image import, the first lists of
 * the informers), and so are pod starts; the small young generation promotes some of it, and the serial collector
 * grows the old generation for it rather than collecting, so the old generation ends ~1.5 times what stays live. It
 * gives memory back only at a full collection, which an agent rarely has on its own. With the agent's free-ratio
 * bounds ({@link AgentJvm#flags}: at most 10% free, shrinking in one step) a full collection takes the old
 * generation down to its live size plus a tenth (about 10 MiB less resident memory at idle). Each costs one pause of
 * a few tens of milliseconds; at most one a minute after the first. Thread-safe; the thread is a daemon.
 */
final class HeapCompaction {
    /** How long after start-up the first collection runs: past the first informer syncs. */
    static final Duration FIRST = Duration.ofSeconds(5);
    /** How often the committed heap is checked afterwards. */
    static final Duration PERIOD = Duration.ofMinutes(1);
    /** The growth of the committed heap since the last collection that calls for another. */
    static final double GROWTH = 1.25;

    private HeapCompaction() {
    }

    /** Starts the daemon thread that collects as described, with the JVM's committed heap size and {@link System#gc}. */
    static Thread start() {
        Runtime runtime = Runtime.getRuntime();
        return Thread.ofPlatform().daemon().name("beluga-heap-compaction").start(() -> run(runtime::totalMemory, System::gc, FIRST, PERIOD));
    }

    /**
     * The loop: sleeps {@code first}, collects, then every {@code period} collects when {@code committed} is above
     * {@link #GROWTH} times what it was after the last collection. Returns when interrupted.
     */
    static void run(LongSupplier committed, Runnable collect, Duration first, Duration period) {
        try {
            Thread.sleep(first);
            collect.run();
            long after = committed.getAsLong();
            while (true) {
                Thread.sleep(period);
                if (committed.getAsLong() > after * GROWTH) {
                    collect.run();
                    after = committed.getAsLong();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
