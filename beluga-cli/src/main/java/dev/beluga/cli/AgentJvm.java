package dev.beluga.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a node agent's JVM is started: the flags and environment that keep an idle agent small. The {@code beluga}
 * launcher script repeats these for {@code beluga agent} (keep the two lists equal).
 *
 * <p>What each costs or saves (measured with NMT on an idle joined agent, JDK 25; see docs/agent.md "Memory"):
 * <ul>
 *   <li>no ahead-of-time cache: the program's cache is trained on the server and loads all of its ~14,000 classes
 *       at start, ~3,000 more than an agent uses;</li>
 *   <li>the serial collector with a small initial heap, a young generation capped at 8 MiB (garbage is short-lived:
 *       watch events, CRI replies), and free-ratio bounds (5–10%, shrinking in one step) so that a full collection
 *       leaves the old generation at its live size plus a tenth; {@link HeapCompaction} runs one after start-up (and
 *       after a quarter's growth), whose garbage would otherwise keep the old generation ~1.5 times its live size; a
 *       young generation of 4 MiB instead of 8 commits 3 MiB less (more young collections, each cheaper);</li>
 *   <li>C1 only ({@code TieredStopAtLevel=1}) and a 32 MiB code cache: about half the compiled code and no C2
 *       compiler arenas; an agent's hot paths (JSON, gRPC framing) are fast enough with C1; methods compiled after
 *       three times the usual invocations ({@code CompileThresholdScaling=3}): 9.5 → 6.8 MiB of code, for ~1% of a
 *       core more with 100 pods (interpreted longer);</li>
 *   <li>compact object headers (JDK 25+): 8-byte headers instead of 12, about a tenth of the heap;</li>
 *   <li>native heap trimming every 30 s (JDK 25+) and at most two glibc malloc arenas, so memory freed by bursts
 *       (image pulls, TLS handshakes) goes back to the system;</li>
 *   <li>Netty (the CRI client's transport) without its pooled per-thread arenas.</li>
 * </ul>
 * Stateless; safe from any thread.
 */
public final class AgentJvm {
    private AgentJvm() {}

    /** JVM flags for an agent running on a JDK of the given feature release (e.g. 25). */
    public static List<String> flags(int jdkFeature) {
        List<String> flags = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx192m", "-XX:MaxNewSize=4m",
            "-XX:MinHeapFreeRatio=5", "-XX:MaxHeapFreeRatio=10", "-XX:-ShrinkHeapInSteps", "-XX:TieredStopAtLevel=1",
            "-XX:CompileThresholdScaling=3", "-XX:ReservedCodeCacheSize=32m", "-Dio.netty.allocator.type=unpooled"));
        if (jdkFeature >= 25) flags.addAll(List.of("-XX:+UseCompactObjectHeaders", "-XX:TrimNativeHeapInterval=30000"));
        return List.copyOf(flags);
    }

    /**
     * The class path, main class and first argument that start an agent, given this process's class path: the agent's
     * own jar ({@code beluga-agent.jar}, beside a launcher's {@code beluga.jar}; its class path leaves out the jars
     * only a server loads) when there is one, else this class path (e.g. under a test runner) with the whole program.
     */
    public static List<String> launch(String classPath) {
        Path launcherJar = Path.of(classPath);
        if (!classPath.contains(java.io.File.pathSeparator) && launcherJar.getFileName() != null
            && launcherJar.getFileName().toString().equals("beluga.jar")) {
            Path agentJar = launcherJar.resolveSibling("beluga-agent.jar");
            if (Files.isRegularFile(agentJar)) return List.of("-jar", agentJar.toString(), "agent");
        }
        return List.of("-cp", classPath, "dev.beluga.cli.Beluga", "agent");
    }

    /** Environment variables for an agent process. */
    public static Map<String, String> environment() {
        return Map.of("MALLOC_ARENA_MAX", "2");
    }

    /**
     * Whether a JVM argument of the parent process should be passed on to an agent: not the parent's ahead-of-time
     * cache (nor the making of one), debugger or profiler agents, nor heap and collector settings, which
     * {@link #flags} decides.
     */
    public static boolean inherits(String jvmArgument) {
        return !(jvmArgument.startsWith("-XX:AOTCache") || jvmArgument.startsWith("-Xlog:aot")
            || jvmArgument.startsWith("-agent") || jvmArgument.startsWith("-Xrunjdwp")
            || jvmArgument.startsWith("-Xm") || jvmArgument.startsWith("-XX:+Use") && jvmArgument.endsWith("GC")
            || jvmArgument.startsWith("-XX:SharedArchiveFile") || jvmArgument.startsWith("-XX:+AutoCreateSharedArchive"));
    }
}
