package dev.beluga.store.embedded;

import dev.beluga.store.KeyRange;
import dev.beluga.store.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a writing child process with SIGKILL at random moments, many times, and checks after each restart that
 * every acknowledged write is present and that nothing half-written is.
 */
class EmbeddedStoreCrashTest {
    private static final int CYCLES = Integer.getInteger("beluga.crash.cycles", 12);

    @TempDir
    Path dir;
    /** Where the killed children unpack SQLite's native library, so that what they leave behind is deleted too. */
    @TempDir
    Path nativeLibs;

    @Test
    void acknowledgedWritesSurviveSigkillAtRandomMoments() throws Exception {
        Random random = new Random(Long.getLong("beluga.crash.seed", System.nanoTime()));
        Set<String> deleted = new HashSet<>();
        Set<String> deleteAttempted = new HashSet<>();
        Map<String, Long> created = new HashMap<>();     // key -> revision acknowledged
        Map<String, Long> counterAcked = new HashMap<>(); // counter key -> highest acknowledged sequence number
        long totalAcks = 0;
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            List<String> lines = runAndKill("c" + cycle, 20 + random.nextInt(400));
            for (String line : lines) {
                if (!line.startsWith("ACK ")) continue;
                String[] f = line.split(" ");
                totalAcks++;
                switch (f[1].charAt(0)) {
                    case 'C' -> created.put(f[2], Long.parseLong(f[3]));
                    case 'D' -> deleted.add(f[2]);
                    case 'T' -> deleteAttempted.add(f[2]);
                    case 'P' -> counterAcked.merge(f[2], Long.parseLong(f[1].substring(1)), Math::max);
                    default -> throw new AssertionError(line);
                }
            }
            verify(created, deleted, deleteAttempted, counterAcked);
        }
        assertThat(totalAcks).as("writes acknowledged over all cycles").isGreaterThan(CYCLES * 10L);
    }

    private List<String> runAndKill(String cycle, int runMillis) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), "--enable-native-access=ALL-UNNAMED",
            "-Dlogback.configurationFile=none", "-Dorg.sqlite.tmpdir=" + nativeLibs, CrashWriter.class.getName(), dir.toString(), cycle, "4");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
            String first = r.readLine();
            assertThat(first).as("child started").startsWith("READY");
            Thread killer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(runMillis);
                } catch (InterruptedException ignored) {
                    // kill now
                }
                p.toHandle().destroyForcibly(); // SIGKILL; unlike Process.destroy it leaves our end of the pipe open
            });
            String line;
            while ((line = r.readLine()) != null) lines.add(line);
            killer.join();
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        return lines;
    }

    private void verify(Map<String, Long> created, Set<String> deleted, Set<String> deleteAttempted,
                        Map<String, Long> counterAcked) {
        try (EmbeddedStore s = EmbeddedStore.open(dir)) {
            for (Map.Entry<String, Long> e : created.entrySet()) {
                KeyValue kv = s.get(e.getKey().getBytes(UTF_8));
                if (deleted.contains(e.getKey())) {
                    assertThat(kv).as("acknowledged delete of " + e.getKey()).isNull();
                    continue;
                }
                if (kv == null && deleteAttempted.contains(e.getKey())) continue; // delete applied, ack lost
                assertThat(kv).as("acknowledged create of " + e.getKey()).isNotNull();
                assertThat(kv.modRevision()).isEqualTo(e.getValue());
                assertThat(kv.valueString()).isEqualTo(CrashWriter.valueFor(e.getKey(), 0));
            }
            for (Map.Entry<String, Long> e : counterAcked.entrySet()) {
                KeyValue kv = s.get(e.getKey().getBytes(UTF_8));
                long stored = Long.parseLong(kv.valueString().substring(kv.valueString().indexOf('#') + 1, kv.valueString().indexOf('|')));
                // the counter may be ahead of the last acknowledgement (written, killed before the ack), never behind
                assertThat(stored).as("counter " + e.getKey()).isGreaterThanOrEqualTo(e.getValue());
            }
            // nothing half-written: every value present is whole and belongs to its key
            for (KeyValue kv : s.range(KeyRange.prefix("/crash/"), 0, 0, false).kvs()) {
                String v = kv.valueString();
                String key = kv.keyString();
                long n = Long.parseLong(v.substring(v.indexOf('#') + 1, v.indexOf('|')));
                assertThat(v).as("value of " + key).isEqualTo(CrashWriter.valueFor(key, n));
            }
        }
    }
}
