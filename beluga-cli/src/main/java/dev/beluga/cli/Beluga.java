package dev.beluga.cli;

import dev.beluga.cli.args.CliRunner;
import dev.beluga.cli.args.CommandInfo;

import java.util.List;

import static dev.beluga.cli.args.CommandInfo.command;
import static dev.beluga.cli.args.CommandInfo.group;

/** The {@code beluga} program: one binary with a subcommand per role, as k3s does. */
public final class Beluga {
    /** The subcommands, in the order {@code beluga --help} lists them. */
    static final List<CommandInfo> COMMANDS = List.of(
        command("up", UpCommand.DESCRIPTION, UpCommand::new),
        command("server", ServerCommand.DESCRIPTION, ServerCommand::new),
        command("agent", AgentCommand.DESCRIPTION, AgentCommand::new),
        command("token", TokenCommand.DESCRIPTION, TokenCommand::new),
        group("images", ImagesCommand.DESCRIPTION, ImagesCommand.SUBCOMMANDS.toArray(CommandInfo[]::new)),
        command("scheduler", SchedulerCommand.DESCRIPTION, SchedulerCommand::new),
        command("controller-manager", ControllerManagerCommand.DESCRIPTION, ControllerManagerCommand::new),
        command("hollow", HollowCommand.DESCRIPTION, HollowCommand::new),
        command("version", VersionCommand.DESCRIPTION, VersionCommand::new),
        group("bench", BenchCommand.DESCRIPTION, BenchCommand.SUBCOMMANDS.toArray(CommandInfo[]::new)),
        command("train", TrainCommand.DESCRIPTION, TrainCommand::new).hide());

    private Beluga() {
    }

    /** The program with these commands, printing to these streams. */
    static CliRunner runner(List<CommandInfo> commands, java.io.PrintStream out, java.io.PrintStream err) {
        return new CliRunner("beluga", BelugaVersion.DESCRIPTION, commands, BelugaVersion::lines, out, err);
    }

    public static void main(String[] args) {
        LibraryDefaults.prepareProcess();
        int code = runner(COMMANDS, System.out, System.err).run(args);
        System.exit(code);
    }
}
