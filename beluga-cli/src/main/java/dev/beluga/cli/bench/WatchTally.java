package dev.beluga.cli.bench;

import dev.beluga.store.bench.Latencies;

import java.util.Arrays;

/**
 * What the benchmarks' watchers saw: each watcher reads its event lines into its own {@link Watcher} (no locking on
 * the hot path), which is merged here once when the watcher ends.
 *
 * <p>An event carries the annotation {@code "bench/seq":"SEQ-SENT"}: SEQ numbers the change ({@code SEQ % pods} is the
 * pod it changed), SENT is the writer's {@link System#nanoTime} when it sent the change (the PATCH; in the watch floor,
 * the event's publication); delivery latency is the time
 * from SENT to the watcher reading the line. Only these digits are parsed — the object is not decoded — so that the
 * benchmark's 1,000 watchers take little of the CPU they share with the server.
 *
 * <p>Threading: a {@link Watcher} belongs to one thread; {@link #add} and the figures may be called from any thread.
 */
final class WatchTally {
    private static final String SEQ_KEY = "\"bench/seq\":\"";

    private final int pods;
    private final Latencies latencies = new Latencies();
    private long received;
    private long receivedBytes;
    private long outOfOrder;

    /** @param pods how many pods the changes cycle through (SEQ modulo this is the pod) */
    WatchTally(int pods) {
        this.pods = pods;
    }

    Watcher watcher() {
        return new Watcher();
    }

    /** Merges what one watcher saw; call once per watcher, when it is done. */
    synchronized void add(Watcher w) {
        latencies.addAll(w.latencies);
        received += w.received;
        receivedBytes += w.receivedBytes;
        outOfOrder += w.outOfOrder;
    }

    synchronized long received() {
        return received;
    }

    /** Average length of the counted event lines, in bytes (their characters: the JSON is ASCII here); 0 before any. */
    synchronized long averageEventBytes() {
        return received == 0 ? 0 : receivedBytes / received;
    }

    /** Changes of one pod that arrived after a later change of the same pod. */
    synchronized long outOfOrder() {
        return outOfOrder;
    }

    synchronized double percentileMs(double q) {
        return latencies.percentileMs(q);
    }

    /** One watcher's figures. Not thread-safe. */
    final class Watcher {
        private final Latencies latencies = new Latencies();
        private final long[] lastSeq = new long[pods];
        private long received;
        private long receivedBytes;
        private long outOfOrder;

        private Watcher() {
            Arrays.fill(lastSeq, -1);
        }

        /**
         * Accounts for one event line ({@code text.substring(from, to)}); lines without the annotation (bookmarks, the
         * objects' states before the run) are ignored. Returns how many changes this watcher has seen.
         */
        long line(String text, int from, int to) {
            int i = text.indexOf(SEQ_KEY, from, to);
            if (i < 0) return received;
            i += SEQ_KEY.length();
            long now = System.nanoTime();
            long seq = 0;
            while (text.charAt(i) != '-') seq = seq * 10 + (text.charAt(i++) - '0');
            i++;
            long sent = 0;
            while (text.charAt(i) != '"') sent = sent * 10 + (text.charAt(i++) - '0');
            int pod = (int) (seq % pods);
            if (seq <= lastSeq[pod]) outOfOrder++;
            lastSeq[pod] = seq;
            latencies.add(now - sent);
            receivedBytes += to - from;
            return ++received;
        }

        long received() {
            return received;
        }
    }
}
