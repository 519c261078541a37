package dev.beluga.cli;

import dev.beluga.pki.NodeToken;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code beluga agent} child process inside a node's network namespace ({@code nsenter --net=FILE java ...}, which
 * joins only the network namespace — see node-stack.md's G1), with the JVM and class path of this process and its
 * output in {@code <dataDir>.log} beside its data directory. It joins the cluster as a remote agent would: with the
 * server's URL and the join token (passed in the environment, {@code BELUGA_TOKEN}, so that it is not on a command
 * line), and nothing of the server's data directory. {@link #close()} sends SIGTERM to that PID, waits for the agent to stop its
 * pods and containerd, and kills it after the grace period.
 */
public final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final List<String> command;
    private final String token;

    private AgentProcess(Process process, Path log, List<String> command, String token) {
        this.process = process;
        this.log = log;
        this.command = List.copyOf(command);
        this.token = token;
    }

    /**
     * Starts {@code beluga agent --server server} in the network namespace {@code netnsFile}, joining with
     * {@code token}.
     */
    public static AgentProcess start(Path netnsFile, String server, NodeToken token, Path dataDir, String nodeName, String nodeIp,
                              List<String> extraArgs) throws IOException {
        Files.createDirectories(dataDir.getParent());
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + netnsFile,
            Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (AgentJvm.inherits(a)) cmd.add(a);
        }
        cmd.addAll(AgentJvm.flags(Runtime.version().feature()));
        cmd.addAll(AgentJvm.launch(System.getProperty("java.class.path")));
        cmd.addAll(List.of("--server", server, "--data-dir", dataDir.toString(), "--node-name", nodeName,
            "--node-ip", nodeIp, "--host-gw-routes", "--remove-pods-on-exit"));
        cmd.addAll(extraArgs);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(AgentJvm.environment());
        pb.environment().put(AgentCommand.TOKEN_ENV, token.text());
        return new AgentProcess(pb.start(), log, cmd, token.text());
    }

    /**
     * Kills the agent and the containerd it started with SIGKILL, as a crash would: nothing is cleaned up, the
     * containers keep running under their shims and the node's network rules stay. Only this process and its own
     * children are signalled.
     */
    public void crash() {
        List<ProcessHandle> children = process.children().toList();
        process.destroyForcibly();
        for (ProcessHandle c : children) c.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            for (ProcessHandle c : children) c.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
    }

    /** Starts the agent again with the same command (after {@link #crash()} or {@link #stop}); output appended to the log. */
    public AgentProcess startAgain() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put(AgentCommand.TOKEN_ENV, token);
        return new AgentProcess(pb.start(), log, command, token);
    }

    /** The command line the agent was started with (the token is not on it). */
    public List<String> command() {
        return command;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** SIGTERM, then SIGKILL after the grace period; only this PID (nsenter execs java in place). */
    public void stop(Duration grace) {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(60));
    }
}
