package dev.beluga.cli;

import picocli.CommandLine;

import java.util.Arrays;

/**
 * The entry point of a node agent's own JVM ({@code target/beluga-agent.jar}, whose class path leaves out the
 * server-only jars; see {@link AgentJvm}): {@code beluga agent ARGS} with only the agent command known to picocli.
 * A leading {@code agent} argument is skipped, so the launcher can pass the user's command line unchanged.
 */
public final class AgentMain {
    private AgentMain() {
    }

    public static void main(String[] args) {
        LibraryDefaults.prepareProcess();
        String[] agentArgs = args.length > 0 && args[0].equals("agent") ? Arrays.copyOfRange(args, 1, args.length) : args;
        int code = new CommandLine(new AgentCommand()).setCommandName("beluga agent").setCaseInsensitiveEnumValuesAllowed(true)
            .execute(agentArgs);
        System.exit(code);
    }
}
