package dev.beluga.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code beluga} program: one binary with a subcommand per role, as k3s does. */
@Command(name = "beluga", mixinStandardHelpOptions = true, versionProvider = BelugaVersion.class,
    description = "Beluga: a Kubernetes-compatible container orchestrator in one program.")
public final class Beluga implements Runnable {
    /** The subcommands by name, in the order {@code beluga --help} lists them. */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("up", UpCommand.class);
        m.put("server", ServerCommand.class);
        m.put("agent", AgentCommand.class);
        m.put("token", TokenCommand.class);
        m.put("images", ImagesCommand.class);
        m.put("scheduler", SchedulerCommand.class);
        m.put("controller-manager", ControllerManagerCommand.class);
        m.put("hollow", HollowCommand.class);
        m.put("version", VersionCommand.class);
        m.put("bench", BenchCommand.class);
        m.put("train", TrainCommand.class);
        m.put("help", CommandLine.HelpCommand.class);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The command line for {@code args}. picocli builds a command's model by reading all its annotations (reflection,
     * an annotation proxy per option: about a tenth of a server's start when done for every command), so when the first
     * argument names a subcommand only that one is added; otherwise (no argument, {@code --help}, {@code help ...},
     * a mistyped name) all are, for the usage message and picocli's suggestions.
     */
    static CommandLine commandLine(String... args) {
        CommandLine root = new CommandLine(new Beluga());
        Class<?> called = args.length > 0 && !"help".equals(args[0]) ? SUBCOMMANDS.get(args[0]) : null;
        if (called != null) root.addSubcommand(args[0], called);
        else SUBCOMMANDS.forEach(root::addSubcommand);
        return root.setCaseInsensitiveEnumValuesAllowed(true);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        LibraryDefaults.prepareProcess();
        int code = commandLine(args).execute(args);
        System.exit(code);
    }

}
