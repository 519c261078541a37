package dev.beluga.cli.args;

import java.util.concurrent.Callable;

/**
 * A command of the {@code beluga} program: it declares its options and parameters, each bound to a field of its own,
 * and then runs with the values bound. An instance serves one command line: {@link CliRunner} creates it, calls
 * {@link #declare} once, binds the arguments and calls {@link #call} once, all on one thread.
 */
public interface CliCommand extends Callable<Integer> {
    /** Declares the options and positional parameters; a command without any leaves it empty. */
    default void declare(Arguments arguments) {
    }

    /** Runs the command; the process's exit code. An exception is reported and exits with 1. */
    @Override
    Integer call() throws Exception;
}
