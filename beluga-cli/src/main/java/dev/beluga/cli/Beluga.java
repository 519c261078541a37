package dev.beluga.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code beluga} program: one binary with a subcommand per role, as k3s does. */
@Command(name = "beluga", mixinStandardHelpOptions = true, versionProvider = BelugaVersion.class,
    description = "Beluga: a Kubernetes-compatible container orchestrator in one program.",
    subcommands = {UpCommand.class, ServerCommand.class, AgentCommand.class, TokenCommand.class, ImagesCommand.class, SchedulerCommand.class, ControllerManagerCommand.class, HollowCommand.class, VersionCommand.class, BenchCommand.class, TrainCommand.class, CommandLine.HelpCommand.class})
public final class Beluga implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // logging is set up (LogConfigurator) on the other core while picocli reads the commands' annotations: each is
        // about a tenth of a server's start, and the command's first logger would otherwise wait for it on this thread
        Thread.ofPlatform().daemon().name("log-init").start(org.slf4j.LoggerFactory::getILoggerFactory);
        int code = new CommandLine(new Beluga()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }
}
