package dev.beluga.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time spent during a measurement by this process, by its platform threads whose names start with a prefix, and
 * by another process — figures that, unlike throughput and latencies, hardly move when other work shares the cores.
 *
 * <p>Usage: {@link #start} before the measured work, {@link #stop} after it. Threads that ended in between are not
 * counted (the JVM forgets their CPU time); virtual threads are counted in the process figure only. Not thread-safe.
 */
final class CpuMeter {
    private final String threadPrefix;
    private final ProcessHandle other;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> threadStart = new HashMap<>();
    private final ThreadCpuBreakdown ownThreads = new ThreadCpuBreakdown(ProcessHandle.current().pid());
    private final ThreadCpuBreakdown otherThreads;
    private long processStart;
    private long otherStart;

    /**
     * The figures of one measurement, in nanoseconds of CPU time (-1 when the platform does not tell), and where each
     * process's CPU went by thread group in milliseconds (see {@link ThreadCpuBreakdown}; empty where not known).
     */
    record Usage(long processNanos, long threadsNanos, long otherNanos, Map<String, Double> ownByThread,
                 Map<String, Double> otherByThread) {
        /** Milliseconds of CPU per unit of work (e.g. per pod), rounded to hundredths, or -1 when unknown. */
        static double perUnit(long nanos, long units) {
            return nanos < 0 || units <= 0 ? -1 : Math.round(nanos / 1e4 / units) / 100.0;
        }
    }

    /**
     * @param threadPrefix names of the threads to account for separately (e.g. {@code "beluga-scheduler"})
     * @param other        another process whose CPU time is accounted for too (e.g. the server under test)
     */
    CpuMeter(String threadPrefix, ProcessHandle other) {
        this.threadPrefix = threadPrefix;
        this.other = other;
        this.otherThreads = new ThreadCpuBreakdown(other.pid());
    }

    void start() {
        threadStart.clear();
        threadStart.putAll(threadCpu());
        processStart = processCpu();
        otherStart = otherCpu();
        ownThreads.start();
        otherThreads.start();
    }

    Usage stop() {
        long t = 0;
        for (Map.Entry<Long, Long> e : threadCpu().entrySet()) t += e.getValue() - threadStart.getOrDefault(e.getKey(), 0L);
        long p = processCpu();
        long o = otherCpu();
        return new Usage(p < 0 || processStart < 0 ? -1 : p - processStart, t, o < 0 || otherStart < 0 ? -1 : o - otherStart,
            ownThreads.stop(), otherThreads.stop());
    }

    private Map<Long, Long> threadCpu() {
        Map<Long, Long> m = new HashMap<>();
        if (!threads.isThreadCpuTimeSupported()) return m;
        for (ThreadInfo i : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (i == null || !i.getThreadName().startsWith(threadPrefix)) continue;
            long cpu = threads.getThreadCpuTime(i.getThreadId());
            if (cpu >= 0) m.put(i.getThreadId(), cpu);
        }
        return m;
    }

    private static long processCpu() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime() : -1;
    }

    private long otherCpu() {
        return other.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }
}
