package dev.beluga.agent.stats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class MachineUsageTest {
    @TempDir
    Path dir;
    private final Clock clock = Clock.fixed(Instant.parse("2024-05-01T10:00:00Z"), ZoneOffset.UTC);

    private Path write(String path, String content) throws Exception {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    private void proc() throws Exception {
        write("proc/meminfo", """
            MemTotal:       1000000 kB
            MemFree:         600000 kB
            MemAvailable:    800000 kB
            Inactive(file):  100000 kB
            AnonPages:        50000 kB
            """);
        write("proc/stat", """
            cpu  100 20 30 5000 40 5 6 7 0 0
            cpu0 50 10 15 2500 20 2 3 3 0 0
            btime 1714550400
            """);
    }

    @Test
    void cgroupV1RootCountsTheWholeMachine() throws Exception {
        proc();
        write("cgroup/cpuacct/cpuacct.usage", "2452898411732\n");
        write("cgroup/memory/memory.usage_in_bytes", "2195415040\n");
        write("cgroup/memory/memory.stat", "cache 11452416\nrss 4448256\ntotal_rss 1056260096\ntotal_inactive_file 432418816\n");
        MachineUsage m = new MachineUsage(dir.resolve("cgroup"), dir.resolve("proc"), clock);
        MachineUsage.Reading r = m.read();
        assertThat(r.time()).isEqualTo(clock.instant());
        assertThat(r.cpuNanos()).isEqualTo(2_452_898_411_732L);
        assertThat(r.usageBytes()).isEqualTo(2_195_415_040L);
        assertThat(r.workingSetBytes()).isEqualTo(2_195_415_040L - 432_418_816L);
        assertThat(r.rssBytes()).isEqualTo(1_056_260_096L);
        assertThat(r.totalBytes()).isEqualTo(1_024_000_000L);
        assertThat(m.bootTime()).isEqualTo(Instant.ofEpochSecond(1714550400));
    }

    @Test
    void cgroupV1WithCombinedCpuHierarchy() throws Exception {
        proc();
        write("cgroup/cpu,cpuacct/cpuacct.usage", "77\n");
        write("cgroup/memory/memory.usage_in_bytes", "10\n");
        write("cgroup/memory/memory.stat", "total_inactive_file 20\n");
        MachineUsage.Reading r = new MachineUsage(dir.resolve("cgroup"), dir.resolve("proc"), clock).read();
        assertThat(r.cpuNanos()).isEqualTo(77);
        assertThat(r.workingSetBytes()).isZero(); // never negative
    }

    @Test
    void cgroupV2RootCpuAndMemInfo() throws Exception {
        proc();
        write("cgroup/cgroup.controllers", "cpu memory\n");
        write("cgroup/cpu.stat", "usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\n");
        MachineUsage.Reading r = new MachineUsage(dir.resolve("cgroup"), dir.resolve("proc"), clock).read();
        assertThat(r.cpuNanos()).isEqualTo(123_456_000L);
        assertThat(r.usageBytes()).isEqualTo(400_000L * 1024);
        assertThat(r.workingSetBytes()).isEqualTo(300_000L * 1024);
        assertThat(r.rssBytes()).isEqualTo(50_000L * 1024);
    }

    @Test
    void withoutCgroupsProcStatsBusyTicks() throws Exception {
        proc();
        MachineUsage.Reading r = new MachineUsage(dir.resolve("none"), dir.resolve("proc"), clock).read();
        // user nice system irq softirq steal = 100+20+30+5+6+7 ticks of 10 ms
        assertThat(r.cpuNanos()).isEqualTo(168 * 10_000_000L);
        assertThat(r.workingSetBytes()).isEqualTo(300_000L * 1024);
    }

    @Test
    void thisMachineCanBeRead() throws Exception {
        MachineUsage.Reading r = MachineUsage.system().read();
        assertThat(r.cpuNanos()).isPositive();
        assertThat(r.workingSetBytes()).isPositive().isLessThanOrEqualTo(r.totalBytes());
        assertThat(MachineUsage.system().bootTime()).isAfter(Instant.EPOCH).isBefore(Instant.now());
    }
}
