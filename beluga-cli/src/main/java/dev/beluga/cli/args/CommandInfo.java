package dev.beluga.cli.args;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A named command of the program: either one that runs ({@code factory} makes a fresh instance per command line) or a
 * group of subcommands ({@code beluga bench api}). Hidden commands run but are not listed in help. Immutable.
 */
public record CommandInfo(String name, String description, boolean hidden, Supplier<? extends CliCommand> factory,
                          List<CommandInfo> subcommands) {
    public CommandInfo {
        Objects.requireNonNull(name, "name");
        subcommands = List.copyOf(subcommands);
        if ((factory == null) == subcommands.isEmpty()) {
            throw new IllegalArgumentException(name + ": a command either runs or groups subcommands");
        }
    }

    /** A command that runs. */
    public static CommandInfo command(String name, String description, Supplier<? extends CliCommand> factory) {
        return new CommandInfo(name, description, false, factory, List.of());
    }

    /** A group: its first argument names one of {@code subcommands}. */
    public static CommandInfo group(String name, String description, CommandInfo... subcommands) {
        return new CommandInfo(name, description, false, null, List.of(subcommands));
    }

    /** The same command, left out of help listings. */
    public CommandInfo hide() {
        return new CommandInfo(name, description, true, factory, subcommands);
    }

    public boolean isGroup() {
        return factory == null;
    }

    /** The subcommand of that name, or null. */
    public CommandInfo subcommand(String subName) {
        for (CommandInfo c : subcommands) if (c.name.equals(subName)) return c;
        return null;
    }
}
