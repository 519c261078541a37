package dev.beluga.cli.args;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs a program of subcommands: {@code PROGRAM COMMAND [SUBCOMMAND] ARGS}. Finds the command, answers
 * {@code -h}/{@code --help} anywhere before {@code --} with its usage, {@code PROGRAM help [COMMAND...]} likewise, and
 * {@code PROGRAM -V}/{@code --version} with the version; otherwise creates the command, binds its arguments and calls
 * it. Exit codes: the command's own, 0 for help and version, 2 for a usage error (message and usage on stderr), 1 for
 * an exception from the command (its stack trace on stderr).
 *
 * <p>Option words are first brought to one form ({@code --name}, {@code --name=value}; see {@link #normalized}), then
 * parsed by Apache Commons CLI's {@link DefaultParser} with partial matching of long names and quote stripping off;
 * commands declare their options in code
 * ({@link Arguments}), so that nothing is read by reflection at start-up. Only the command that runs (or whose help is
 * asked for) is created and declared. Not thread-safe; one run per call.
 */
public final class CliRunner {
    private final String program;
    private final String description;
    private final List<CommandInfo> commands;
    private final Supplier<List<String>> version;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param program     the program's name as help shows it ({@code beluga})
     * @param commands    its commands, in the order help lists them
     * @param version     the lines {@code --version} prints
     */
    public CliRunner(String program, String description, List<CommandInfo> commands, Supplier<List<String>> version,
                     PrintStream out, PrintStream err) {
        this.program = program;
        this.description = description;
        this.commands = List.copyOf(commands);
        this.version = version;
        this.out = out;
        this.err = err;
    }

    /** Runs the command line; returns the exit code. */
    public int run(String... args) {
        try {
            return dispatch(args);
        } catch (UsageException e) {
            err.println(e.getMessage());
            err.print(e.command() == null ? programUsage() : usage(e.command()));
            err.flush();
            return 2;
        }
    }

    private int dispatch(String[] args) throws UsageException {
        if (args.length == 0 || isHelp(args[0])) return help(programUsage());
        if (args[0].equals("-V") || args[0].equals("--version")) {
            version.get().forEach(out::println);
            out.flush();
            return 0;
        }
        if (args[0].equals("help")) return help(helpFor(Arrays.copyOfRange(args, 1, args.length)));
        if (args[0].startsWith("-")) throw new UsageException(null, "Unknown option: '" + args[0] + "'");
        CommandInfo command = find(null, commands, args[0]);
        int next = 1;
        while (command.isGroup()) {
            if (args.length == next || isHelp(args[next])) return help(usage(command));
            command = find(command, command.subcommands(), args[next++]);
        }
        String[] rest = Arrays.copyOfRange(args, next, args.length);
        for (String a : rest) {
            if (a.equals("--")) break;
            if (isHelp(a)) return help(usage(command));
        }
        CliCommand instance = command.factory().get();
        bind(command, instance, rest);
        try {
            Integer code = instance.call();
            return code == null ? 0 : code;
        } catch (Exception e) {
            e.printStackTrace(err);
            err.flush();
            return 1;
        }
    }

    private int help(String text) {
        out.print(text);
        out.flush();
        return 0;
    }

    private String helpFor(String[] names) throws UsageException {
        if (names.length == 0) return programUsage();
        CommandInfo c = find(null, commands, names[0]);
        for (int i = 1; i < names.length && c.isGroup(); i++) c = find(c, c.subcommands(), names[i]);
        return usage(c);
    }

    private static boolean isHelp(String arg) {
        return arg.equals("-h") || arg.equals("--help");
    }

    private CommandInfo find(CommandInfo group, List<CommandInfo> among, String name) throws UsageException {
        for (CommandInfo c : among) if (c.name().equals(name)) return c;
        StringBuilder m = new StringBuilder("Unknown command: '").append(name).append("'");
        List<String> close = new ArrayList<>();
        for (CommandInfo c : among) if (!c.hidden() && Suggestions.close(name, c.name())) close.add(c.name());
        if (!close.isEmpty()) m.append(". Did you mean: ").append(String.join(", ", close)).append('?');
        throw new UsageException(group, m.toString());
    }

    private String programUsage() {
        return HelpText.group(program, description, commands, List.<String[]>of(new String[] {"  -V, --version", "Print the version and exit."}),
            List.<String[]>of(new String[] {"  help", "Show the help of a command: " + program + " help COMMAND."}));
    }

    private String usage(CommandInfo command) {
        String path = program + " " + pathOf(command);
        if (command.isGroup()) return HelpText.group(path, command.description(), command.subcommands(), List.of(), List.of());
        Arguments a = new Arguments();
        command.factory().get().declare(a);
        return HelpText.command(path, command, a);
    }

    /** The names from the program down to {@code command} ({@code bench api}). */
    private String pathOf(CommandInfo command) {
        for (CommandInfo c : commands) {
            if (c == command) return c.name();
            for (CommandInfo s : c.subcommands()) if (s == command) return c.name() + " " + s.name();
        }
        return command.name();
    }

    /**
     * Binds {@code args} to {@code command}'s declared options and parameters, as a run of the program would; for code
     * that builds a command itself (tests, {@code beluga up}).
     *
     * @throws UsageException when the arguments do not fit the declaration
     */
    public static void bind(CliCommand command, String... args) throws UsageException {
        bind(CommandInfo.command("command", "", () -> command), command, args);
    }

    private static void bind(CommandInfo info, CliCommand command, String[] args) throws UsageException {
        Arguments declared = new Arguments();
        command.declare(declared);
        Options options = new Options();
        Map<String, Arguments.OptionSpec> byLongName = new HashMap<>();
        for (Arguments.OptionSpec o : declared.options()) {
            String longName = o.name.substring(2);
            options.addOption(Option.builder().longOpt(longName).hasArg(o.label != null).get());
            byLongName.put(longName, o);
        }
        CommandLine parsed;
        try {
            parsed = DefaultParser.builder().setAllowPartialMatching(false).setStripLeadingAndTrailingQuotes(false).get()
                .parse(options, normalized(info, byLongName, args));
        } catch (ParseException e) { // unknown options and missing values were reported by normalized()
            throw new UsageException(info, e.getMessage());
        }
        Set<String> given = new HashSet<>();
        for (Option o : parsed.getOptions()) {
            Arguments.OptionSpec spec = byLongName.get(o.getLongOpt());
            given.add(spec.name);
            String value = o.getValue();
            try {
                spec.bind.accept(value);
            } catch (RuntimeException e) {
                throw new UsageException(info, invalid("option '" + spec.name + "'", value, e));
            }
        }
        for (Arguments.OptionSpec o : declared.options()) {
            if (o.required && !given.contains(o.name)) throw new UsageException(info, "Missing required option: '" + o.synopsis() + "'");
        }
        bindParameters(info, declared.parameters(), parsed.getArgList());
    }

    /**
     * The command line in the only forms handed to Commons CLI: options as {@code --name} or {@code --name=value}, then
     * {@code --} and the parameters in their order (so that no parameter is read as an option, e.g. "-5"). A value
     * given as the next word is joined to its option, so a value starting with '-' is a value, as it was with picocli;
     * a flag may be given {@code =true} or {@code =false}, as picocli allowed; a word with a single leading '-' (other
     * than a number or "-" alone) before {@code --} is an unknown option, not one of the lenient spellings Commons CLI
     * would take ({@code -server}, {@code -https-port6443}).
     */
    private static String[] normalized(CommandInfo info, Map<String, Arguments.OptionSpec> byLongName, String[] args)
        throws UsageException {
        List<String> options = new ArrayList<>(args.length);
        List<String> parameters = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                parameters.addAll(Arrays.asList(args).subList(i + 1, args.length));
                break;
            }
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                Arguments.OptionSpec spec = byLongName.get(a.substring(2, eq < 0 ? a.length() : eq));
                if (spec == null) throw new UsageException(info, "Unknown option: '" + a + "'");
                if (spec.label == null && eq >= 0) {
                    String value = a.substring(eq + 1);
                    if (value.equalsIgnoreCase("true")) options.add(spec.name);
                    else if (!value.equalsIgnoreCase("false")) {
                        throw new UsageException(info, "Invalid value for option '" + spec.name + "': '" + value + "' (true or false)");
                    }
                } else if (spec.label != null && eq < 0) {
                    if (i + 1 == args.length) throw new UsageException(info, "Missing value for option '" + spec.name + "'");
                    options.add(spec.name + "=" + args[++i]);
                } else {
                    options.add(a);
                }
            } else if (a.length() > 1 && a.charAt(0) == '-' && !isNumber(a)) {
                throw new UsageException(info, "Unknown option: '" + a + "'");
            } else {
                parameters.add(a);
            }
        }
        options.add("--");
        options.addAll(parameters);
        return options.toArray(String[]::new);
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void bindParameters(CommandInfo info, List<Arguments.ParameterSpec> specs, List<String> values) throws UsageException {
        int i = 0;
        for (Arguments.ParameterSpec p : specs) {
            if (i == values.size()) throw new UsageException(info, "Missing required parameter: '" + p.label() + "'");
            do {
                String value = values.get(i++);
                try {
                    p.bind().accept(value);
                } catch (RuntimeException e) {
                    throw new UsageException(info, invalid("parameter '" + p.label() + "'", value, e));
                }
            } while (p.variadic() && i < values.size());
        }
        if (i < values.size()) throw new UsageException(info, "Unexpected argument: '" + values.get(i) + "'");
    }

    private static String invalid(String what, String value, RuntimeException e) {
        return "Invalid value for " + what + ": '" + value + "'" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }
}
