package dev.beluga.cli.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a process's CPU time went during a measurement, by thread group — every thread of the process as Linux
 * accounts for it (JIT compiler and GC threads included, which the JVM's own thread CPU figures leave out), grouped
 * by name with digits folded ({@code "C2 CompilerThread0"} and {@code "...1"} are one group).
 *
 * <p>Reads {@code /proc/PID/task/TID/{comm,stat}}; on a system without them the breakdown is empty. Threads that
 * ended during the measurement are not counted. Usage: {@link #start} before, {@link #stop} after. Not thread-safe.
 */
final class ThreadCpuBreakdown {
    private static final double MILLIS_PER_TICK = 10.0; // USER_HZ is 100 on Linux
    private final long pid;
    private Map<String, Sample> before = Map.of();

    private record Sample(String group, long ticks) {
    }

    ThreadCpuBreakdown(long pid) {
        this.pid = pid;
    }

    void start() {
        before = read();
    }

    /** Milliseconds of CPU per thread group since {@link #start}, largest first, groups under 1 % of the total left out. */
    Map<String, Double> stop() {
        Map<String, Long> ticks = new HashMap<>();
        for (Map.Entry<String, Sample> e : read().entrySet()) {
            Sample was = before.get(e.getKey());
            long used = e.getValue().ticks() - (was == null ? 0 : was.ticks());
            ticks.merge(e.getValue().group(), used, Long::sum);
        }
        long total = ticks.values().stream().mapToLong(Long::longValue).sum();
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(ticks.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : sorted)
            if (e.getValue() > 0 && e.getValue() * 100 >= total) out.put(e.getKey(), e.getValue() * MILLIS_PER_TICK);
        return out;
    }

    /** One line: {@code "name 12.3 ms/unit (45 %), ..."} per group, CPU divided by {@code units}. */
    static String describe(Map<String, Double> millis, long units) {
        double total = millis.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Double> e : millis.entrySet()) {
            if (!b.isEmpty()) b.append(", ");
            b.append(String.format("%s %.3f (%.0f %%)", e.getKey(), e.getValue() / units, total == 0 ? 0 : e.getValue() * 100 / total));
        }
        return b.toString();
    }

    private Map<String, Sample> read() {
        Map<String, Sample> m = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks) {
                try {
                    String comm = Files.readString(t.resolve("comm")).strip();
                    m.put(t.getFileName().toString(), new Sample(comm.replaceAll("[0-9]+", "#"), ticks(Files.readString(t.resolve("stat")))));
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while we read it
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return m;
    }

    /**
     * User + system CPU time of a whole process so far, in milliseconds, from {@code /proc/PID/stat} (threads that
     * ended included); -1 when it cannot be read (no such process, not Linux).
     */
    static long processMillis(long pid) {
        try {
            return Math.round(ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) * MILLIS_PER_TICK);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime in clock ticks from the text of a {@code stat} file (process or thread). */
    private static long ticks(String stat) {
        // fields after the parenthesised name: state ppid ... utime (14th field overall) stime (15th)
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
