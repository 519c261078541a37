package dev.beluga.cli.args;

/**
 * A command line that does not fit its command: an unknown option or command, a missing or malformed value. The
 * program prints the message and the command's usage to stderr and exits with 2, as most CLIs do.
 */
public final class UsageException extends Exception {
    private final CommandInfo command;

    UsageException(CommandInfo command, String message) {
        super(message);
        this.command = command;
    }

    /** The command whose usage helps; null for the program itself. */
    public CommandInfo command() {
        return command;
    }
}
