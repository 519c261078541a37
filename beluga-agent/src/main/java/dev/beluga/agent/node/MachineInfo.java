package dev.beluga.agent.node;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;

/**
 * What the node agent reports about its machine (upstream cadvisor's MachineInfo and the node's system info): CPUs,
 * memory, the filesystem holding the agent's data, kernel and OS names, machine and boot ids, and the first non-loopback
 * IPv4 address. Values are read once per call from /proc, /etc and /sys; nothing is cached.
 */
public record MachineInfo(int cpus, long memoryBytes, long ephemeralStorageBytes, String kernelVersion, String osImage,
                          String machineId, String bootId, String hostname, Optional<String> internalIp) {

    /** Reads the machine; {@code dataDir} is where the agent keeps pods' files (its filesystem is ephemeral-storage). */
    public static MachineInfo read(Path dataDir) {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), memTotal(), storage(dataDir),
            firstLine(Path.of("/proc/sys/kernel/osrelease")).orElse(System.getProperty("os.version")),
            readOsImage(), firstLine(Path.of("/etc/machine-id")).orElse(""),
            firstLine(Path.of("/proc/sys/kernel/random/boot_id")).orElse(""), readHostname(), firstIpv4());
    }

    static long memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException ignored) {
            // fall through
        }
        return Runtime.getRuntime().maxMemory();
    }

    static long storage(Path dir) {
        try {
            Path p = dir;
            while (p != null && !Files.exists(p)) p = p.getParent();
            return p == null ? 0 : Files.getFileStore(p).getTotalSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    static String readOsImage() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) return line.substring("PRETTY_NAME=".length()).replace("\"", "");
            }
        } catch (IOException ignored) {
            // fall through
        }
        return System.getProperty("os.name");
    }

    static String readHostname() {
        return firstLine(Path.of("/proc/sys/kernel/hostname")).orElse("localhost").toLowerCase(java.util.Locale.ROOT);
    }

    static Optional<String> firstLine(Path p) {
        try {
            return Files.readAllLines(p).stream().map(String::strip).filter(s -> !s.isEmpty()).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The first IPv4 address of an interface that is up and not loopback, in interface order; empty if none. */
    static Optional<String> firstIpv4() {
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback() || ni.getName().startsWith("cni") || ni.getName().startsWith("veth")) continue;
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address) return Optional.of(a.getHostAddress());
                }
            }
        } catch (SocketException ignored) {
            // fall through
        }
        return Optional.empty();
    }
}
