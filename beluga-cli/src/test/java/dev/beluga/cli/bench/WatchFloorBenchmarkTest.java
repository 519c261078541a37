package dev.beluga.cli.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchFloorBenchmarkTest {
    @Test
    void everyWatcherGetsEveryEventInOrderAtTheAskedSizeAndTheServerStops() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // 5 watchers, 200 events/s for 1 s: 200 events each, lines of 600 bytes, gathered every 5 ms
        new WatchFloorBenchmark(new WatchFloorBenchmark.Config(5, 200, 1, 0, 600, 5), new PrintStream(bytes, true)).run();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("1000/1000 events"), out);
        assertTrue(out.contains("0 out of order, 0 streams ended early"), out);
        String bench = out.lines().filter(l -> l.startsWith("BENCH ")).findFirst().orElseThrow();
        assertTrue(bench.contains("\"name\":\"watch-floor\""), bench);
        assertTrue(bench.contains("\"events_received\":1000"), bench);
        assertTrue(bench.contains("\"event_bytes_avg\":600"), bench);
        assertTrue(bench.contains("\"watches_failed\":0"), bench);
        assertTrue(bench.contains("\"completed\":true"), bench);
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("fanout-") && t.isAlive()),
            "the server's threads ended");
    }
}
