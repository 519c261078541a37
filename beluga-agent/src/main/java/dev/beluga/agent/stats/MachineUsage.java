package dev.beluga.agent.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole machine's CPU time and memory, which is what upstream's kubelet reports as the node's usage (cAdvisor's
 * root container {@code /}): not the agent's pods alone, but everything running on the machine, so that a node's
 * usage compares with its capacity as {@code kubectl top node} does. Several simulated nodes on one machine
 * ({@code beluga up --nodes}) therefore all report the machine's figures.
 *
 * <ul>
 *   <li>cgroup v1: CPU {@code cpuacct/cpuacct.usage} of the root cgroup; memory {@code memory/memory.usage_in_bytes}
 *       minus {@code total_inactive_file} of the root's {@code memory.stat} (the working set), {@code total_rss};</li>
 *   <li>cgroup v2: CPU {@code usage_usec} of the root's {@code cpu.stat}; memory from {@code /proc/meminfo} (the root
 *       has no {@code memory.current}): usage {@code MemTotal - MemFree}, working set that minus {@code Inactive(file)},
 *       as runc computes the root's figures;</li>
 *   <li>otherwise {@code /proc/stat}'s busy jiffies (user, nice, system, irq, softirq, steal at USER_HZ 100) and
 *       {@code /proc/meminfo}.</li>
 * </ul>
 *
 * Reads the files anew each time; thread-safe.
 */
public final class MachineUsage {
    /** Nanoseconds per USER_HZ tick of /proc/stat (USER_HZ is 100 on Linux). */
    private static final long NANOS_PER_TICK = 10_000_000L;

    /**
     * One reading.
     *
     * @param time            when it was taken
     * @param cpuNanos        CPU time used since boot, all cores
     * @param workingSetBytes memory in use minus inactive file pages
     * @param usageBytes      memory in use, page cache included
     * @param rssBytes        anonymous memory, or null when not known
     * @param totalBytes      the machine's memory
     */
    public record Reading(Instant time, long cpuNanos, long workingSetBytes, long usageBytes, Long rssBytes, long totalBytes) {
    }

    private final Path cgroupRoot;
    private final Path procRoot;
    private final Clock clock;

    /** Reads {@code cgroupRoot} (normally /sys/fs/cgroup) and {@code procRoot} (normally /proc). */
    public MachineUsage(Path cgroupRoot, Path procRoot, Clock clock) {
        this.cgroupRoot = cgroupRoot;
        this.procRoot = procRoot;
        this.clock = clock;
    }

    /** This machine's. */
    public static MachineUsage system() {
        return new MachineUsage(Path.of("/sys/fs/cgroup"), Path.of("/proc"), Clock.systemUTC());
    }

    /** Reads the usage now. */
    public Reading read() throws IOException {
        Instant now = clock.instant();
        Map<String, Long> meminfo = keyValues(procRoot.resolve("meminfo"), 1024);
        long total = required(meminfo, "MemTotal:", "meminfo");
        Path cpuacct = firstExisting(cgroupRoot.resolve("cpuacct/cpuacct.usage"), cgroupRoot.resolve("cpu,cpuacct/cpuacct.usage"));
        Path v1Memory = cgroupRoot.resolve("memory/memory.usage_in_bytes");
        boolean v2 = Files.exists(cgroupRoot.resolve("cgroup.controllers"));
        long cpu;
        if (cpuacct != null) {
            cpu = Long.parseLong(Files.readString(cpuacct).strip());
        } else if (v2 && Files.exists(cgroupRoot.resolve("cpu.stat"))) {
            cpu = required(keyValues(cgroupRoot.resolve("cpu.stat"), 1), "usage_usec", "cpu.stat") * 1000;
        } else {
            cpu = procStatBusyNanos();
        }
        if (!v2 && Files.exists(v1Memory)) {
            long usage = Long.parseLong(Files.readString(v1Memory).strip());
            Map<String, Long> stat = keyValues(cgroupRoot.resolve("memory/memory.stat"), 1);
            long inactiveFile = stat.getOrDefault("total_inactive_file", 0L);
            return new Reading(now, cpu, Math.max(0, usage - inactiveFile), usage, stat.get("total_rss"), total);
        }
        long usage = total - meminfo.getOrDefault("MemFree:", 0L);
        long inactiveFile = meminfo.getOrDefault("Inactive(file):", 0L);
        return new Reading(now, cpu, Math.max(0, usage - inactiveFile), usage, meminfo.get("AnonPages:"), total);
    }

    /** When the machine booted ({@code btime} of /proc/stat), or the epoch when unknown. */
    public Instant bootTime() {
        try {
            for (String line : Files.readAllLines(procRoot.resolve("stat"))) {
                if (line.startsWith("btime ")) return Instant.ofEpochSecond(Long.parseLong(line.substring(6).strip()));
            }
        } catch (IOException | NumberFormatException ignored) {
            // unknown
        }
        return Instant.EPOCH;
    }

    private long procStatBusyNanos() throws IOException {
        for (String line : Files.readAllLines(procRoot.resolve("stat"))) {
            if (!line.startsWith("cpu ")) continue;
            String[] f = line.substring(4).strip().split("\\s+");
            long ticks = 0;
            for (int i : new int[] {0, 1, 2, 5, 6, 7}) { // user nice system (idle iowait) irq softirq steal
                if (i < f.length) ticks += Long.parseLong(f[i]);
            }
            return ticks * NANOS_PER_TICK;
        }
        throw new IOException("no cpu line in " + procRoot.resolve("stat"));
    }

    private static Path firstExisting(Path... paths) {
        for (Path p : paths) if (Files.exists(p)) return p;
        return null;
    }

    private static long required(Map<String, Long> m, String key, String file) throws IOException {
        Long v = m.get(key);
        if (v == null) throw new IOException("no " + key + " in " + file);
        return v;
    }

    /** "key value [unit]" lines, the value times {@code unit} (1024 for meminfo's kB); malformed lines are skipped. */
    private static Map<String, Long> keyValues(Path file, long unit) throws IOException {
        Map<String, Long> m = new HashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 2) continue;
            try {
                m.put(f[0], Long.parseLong(f[1]) * unit);
            } catch (NumberFormatException ignored) {
                // not a number: not needed
            }
        }
        return m;
    }
}
