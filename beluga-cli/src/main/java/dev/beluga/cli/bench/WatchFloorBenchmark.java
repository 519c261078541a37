package dev.beluga.cli.bench;

import dev.beluga.pki.TlsTrust;
import dev.beluga.store.bench.Json;
import dev.beluga.store.bench.MachineInfo;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code beluga bench watch-floor}: the floor under the API benchmark's watch fan-out. The same watchers
 * ({@link WatchFleet}: one TLS 1.3 connection each, two reader threads, the same tally) read events of the same size at
 * the same rate, gathered into at most one write per connection per linger (the API server's busy streams write a
 * little more often) — but from {@link FanOutServer}, which does nothing else. Server and watchers share this one
 * process, so its CPU time per 1,000 events delivered is the whole machine's cost of the transport alone. At the API
 * benchmark's goal (500 changes/s to 1,000 watchers: 500,000 events/s) the cores that delivery needs are that many
 * milliseconds × 0.5, before any API server work.
 *
 * <p>Prints a line per run and a {@code BENCH {json}} line. Not thread-safe; {@link #run} once.
 */
public final class WatchFloorBenchmark {
    /** Objects the changes cycle through, as in the API benchmark (the tally checks each one's order). */
    private static final int PODS = 50;

    /**
     * @param watchers      concurrent watch streams
     * @param rate          events published per second
     * @param seconds       length of the measured run
     * @param warmupSeconds length of a first run, not counted, so that the measured one meets compiled code (0: none)
     * @param eventBytes    length of each event line (a pod's JSON, padded)
     * @param lingerMs      how long events may wait to be gathered into one write per connection
     */
    public record Config(int watchers, int rate, int seconds, int warmupSeconds, int eventBytes, int lingerMs) {
    }

    private final Config config;
    private final PrintStream out;

    public WatchFloorBenchmark(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public void run() throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        if (config.warmupSeconds() > 0) {
            Map<String, Object> w = once(config.warmupSeconds(), "watch floor (warm-up, not counted)");
            Map<String, Object> warm = new LinkedHashMap<>();
            warm.put("p99_ms", w.get("p99_ms"));
            warm.put("cpu_ms_per_1000_events", w.get("cpu_ms_per_1000_events"));
            results.put("warmup", warm);
        }
        results.put("floor", once(config.seconds(), "watch floor"));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("name", "watch-floor");
        line.put("results", results);
        line.put("machine", MachineInfo.describe());
        out.println("BENCH " + Json.of(line));
    }

    /** One run with its own server and watchers; prints a line starting with {@code label}. */
    private Map<String, Object> once(int seconds, String label) throws Exception {
        int total = Math.max(PODS, config.rate() * seconds / PODS * PODS);
        try (FanOutServer server = new FanOutServer(total, config.lingerMs() * 1_000_000L);
             WatchFleet fleet = new WatchFleet(TlsTrust.acceptingAnyServer(null),
                 new InetSocketAddress("127.0.0.1", server.port()), "/floor?watch=true", config.watchers(), PODS, total)) {
            Thread.sleep(500);
            CpuMeter cpu = new CpuMeter("bench-watch-reader", ProcessHandle.current());
            cpu.start();
            long start = System.nanoTime();
            long period = 1_000_000_000L / config.rate();
            for (int k = 0; k < total; k++) {
                long due = start + k * period;
                for (long wait; (wait = due - System.nanoTime()) > 0; ) LockSupport.parkNanos(wait);
                server.publish(event(k, System.nanoTime()));
            }
            double publishSecs = (System.nanoTime() - start) / 1e9; // from the first event to the last: total - 1 periods
            boolean all = fleet.awaitDone(30);
            CpuMeter.Usage used = cpu.stop();
            double measuredSecs = (System.nanoTime() - start) / 1e9; // publishing and delivering all
            fleet.close();
            WatchTally tally = fleet.tally();
            long received = tally.received();
            long expected = (long) total * config.watchers();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("watchers", config.watchers());
            m.put("events_per_s", config.rate());
            m.put("achieved_events_per_s", Math.round((total - 1) / publishSecs));
            m.put("event_bytes_avg", tally.averageEventBytes());
            m.put("linger_ms", config.lingerMs());
            m.put("events_expected", expected);
            m.put("events_received", received);
            m.put("out_of_order_per_object", tally.outOfOrder());
            m.put("streams_ended_early", fleet.endedEarly());
            m.put("watches_failed", fleet.failedToConnect());
            m.put("p50_ms", tally.percentileMs(0.5));
            m.put("p99_ms", tally.percentileMs(0.99));
            m.put("completed", all);
            double perThousand = CpuMeter.Usage.perUnit(used.processNanos() * 1000, received);
            double readers = CpuMeter.Usage.perUnit(used.threadsNanos() * 1000, received);
            m.put("cpu_ms_per_1000_events", perThousand);
            m.put("readers_cpu_ms_per_1000_events", readers);
            // how full the machine was from the first event to the last delivery (1.0: every core busy all along)
            double share = used.processNanos() < 0 ? -1
                : Math.round(used.processNanos() / (measuredSecs * 1e9 * Runtime.getRuntime().availableProcessors()) * 100) / 100.0;
            m.put("process_cpu_share", share);
            // 1,000 events need perThousand ms of CPU: at rate x watchers events/s that is this many cores
            double cores = perThousand < 0 ? -1 : Math.round(perThousand * config.rate() * config.watchers() / 1e6 * 100) / 100.0;
            m.put("cores_needed_at_rate", cores);
            out.printf("%s: %d watchers, %d events/s of %d bytes for %d s (%.0f/s published), linger %d ms: %d/%d events, p50 %.1f ms,"
                    + " p99 %.1f ms, %d out of order, %d streams ended early; CPU per 1,000 events delivered: %.2f ms (watchers' readers"
                    + " %.2f ms, everything else: server, publisher, JIT, GC %.2f ms) = %.2f cores at this rate; the process kept"
                    + " %.0f %% of the cores busy from the first event to the last delivery%n",
                label, config.watchers(), config.rate(), tally.averageEventBytes(), seconds, (total - 1) / publishSecs, config.lingerMs(),
                received, expected, tally.percentileMs(0.5), tally.percentileMs(0.99), tally.outOfOrder(), fleet.endedEarly(),
                perThousand, readers, Math.round((perThousand - readers) * 100) / 100.0, cores,
                100 * share);
            return m;
        }
    }

    /**
     * Event {@code seq}: a MODIFIED pod whose {@code bench/seq} annotation carries the sequence and the time it was
     * published, after a padding annotation that brings the line to {@link Config#eventBytes} (the API server's pods carry
     * their managedFields and spec before their annotations, so the tally's search crosses as many bytes).
     */
    private byte[] event(long seq, long sentNanos) {
        String head = "{\"type\":\"MODIFIED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"w-"
            + (seq % PODS) + "\",\"namespace\":\"floor\",\"annotations\":{\"bench/pad\":\"";
        String tail = "\",\"bench/seq\":\"" + seq + "-" + sentNanos + "\"}}}}";
        int pad = Math.max(0, config.eventBytes() - head.length() - tail.length());
        return (head + "x".repeat(pad) + tail).getBytes(StandardCharsets.US_ASCII);
    }
}
