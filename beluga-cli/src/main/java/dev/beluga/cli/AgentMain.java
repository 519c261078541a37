package dev.beluga.cli;

import dev.beluga.cli.args.CliRunner;
import dev.beluga.cli.args.CommandInfo;

import java.util.List;

/**
 * The entry point of a node agent's own JVM ({@code target/beluga-agent.jar}, whose class path leaves out the
 * server-only jars; see {@link AgentJvm}): {@code beluga agent ARGS} with only the agent command known.
 * The launcher passes the user's command line unchanged; without a leading {@code agent}, one is assumed.
 */
public final class AgentMain {
    private AgentMain() {
    }

    public static void main(String[] args) {
        LibraryDefaults.prepareProcess();
        String[] agentArgs = args;
        if (args.length == 0 || !args[0].equals("agent")) {
            agentArgs = new String[args.length + 1];
            agentArgs[0] = "agent";
            System.arraycopy(args, 0, agentArgs, 1, args.length);
        }
        List<CommandInfo> agentOnly = List.of(CommandInfo.command("agent", AgentCommand.DESCRIPTION, AgentCommand::new));
        // not Beluga.runner: Beluga's command list names the server's classes, which this JVM's class path leaves out
        CliRunner runner = new CliRunner("beluga", BelugaVersion.DESCRIPTION, agentOnly, BelugaVersion::lines, System.out, System.err);
        int code = runner.run(agentArgs);
        System.exit(code);
    }
}
