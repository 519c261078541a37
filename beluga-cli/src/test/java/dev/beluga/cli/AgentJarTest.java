package dev.beluga.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.spi.ToolProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packaged agent jar ({@code target/beluga-agent.jar}, whose class path leaves out the server-only jars) holds
 * together: it starts, and nothing Beluga's agent code can reach refers to a class that its class path lacks. Runs
 * after {@code package} (the {@code agent-jar-test} execution in this module's pom), not with the unit tests.
 */
class AgentJarTest {
    private static final Path TARGET = Path.of("target");
    private static Path agentJar;
    private static List<Path> classPath;

    @BeforeAll
    static void readManifest() throws IOException {
        agentJar = TARGET.resolve("beluga-agent.jar");
        assertThat(agentJar).as("run `mvn package` first").isRegularFile();
        try (JarFile jar = new JarFile(agentJar.toFile())) {
            String cp = jar.getManifest().getMainAttributes().getValue("Class-Path");
            classPath = new ArrayList<>();
            for (String entry : cp.trim().split(" +")) classPath.add(TARGET.resolve(entry));
        }
    }

    @Test
    void everyJarOfItsClassPathExistsAndServerOnlyJarsAreLeftOut() {
        for (Path p : classPath) assertThat(p).isRegularFile();
        assertThat(classPath).extracting(p -> p.getFileName().toString())
            .noneMatch(n -> n.startsWith("beluga-apiserver") || n.startsWith("beluga-store") || n.startsWith("sqlite-jdbc")
                || n.startsWith("jetcd-") || n.startsWith("vertx-"))
            .anyMatch(n -> n.startsWith("beluga-agent")).anyMatch(n -> n.startsWith("kubernetes-client-"));
    }

    @Test
    void startsAndPrintsTheAgentsUsage() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", agentJar.toString(), "agent", "--help").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertEquals(0, p.exitValue(), out);
        assertThat(out).contains("Usage: beluga agent").contains("--server").contains("--token");
    }

    /**
     * jdeps' class-level graph of Beluga's own classes on the agent's class path, walked from {@code AgentMain}: no
     * class reached refers to a class jdeps finds nowhere (a server-only jar left out, e.g. the store or the API
     * server). Third-party jars are not walked: their optional dependencies are their own business.
     */
    @Test
    void noAgentCodeReachesAClassLeftOut() throws IOException {
        List<String> beluga = new ArrayList<>(List.of(agentJar.toString()));
        List<String> others = new ArrayList<>();
        for (Path p : classPath) (p.getFileName().toString().startsWith("beluga-") ? beluga : others).add(p.toString());
        List<String> args = new ArrayList<>(List.of("-verbose:class", "-filter:none", "--multi-release", "21",
            "-cp", String.join(java.io.File.pathSeparator, others)));
        args.addAll(beluga);
        StringWriter out = new StringWriter();
        int code = ToolProvider.findFirst("jdeps").orElseThrow().run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new));
        assertEquals(0, code, out.toString());

        Map<String, Set<String>> refs = new HashMap<>();
        Set<String> missing = new HashSet<>();
        for (String line : out.toString().split("\n")) {
            if (!line.startsWith("   ")) continue;
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[1].equals("->")) continue;
            refs.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[2]);
            if (line.contains("not found")) missing.add(f[2]);
        }
        assertThat(refs).containsKey("dev.beluga.cli.AgentMain");
        Set<String> reached = new HashSet<>();
        Set<String> problems = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of("dev.beluga.cli.AgentMain"));
        while (!todo.isEmpty()) {
            String c = todo.pop();
            if (!reached.add(c)) continue;
            for (String d : refs.getOrDefault(c, Set.of())) {
                if (missing.contains(d)) problems.add(c + " -> " + d);
                else if (d.startsWith("dev.beluga.")) todo.push(d);
            }
        }
        assertThat(reached).contains("dev.beluga.agent.NodeAgent", "dev.beluga.cri.CriClient");
        assertThat(problems).as("agent code referring to classes the agent jar's class path lacks").isEmpty();
    }
}
