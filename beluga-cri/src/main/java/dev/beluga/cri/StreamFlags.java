package dev.beluga.cri;

/**
 * Which streams an exec or attach session carries, as CRI's {@code ExecRequest} and {@code AttachRequest} name them.
 * Immutable.
 *
 * <p>The runtime requires at least one of stdin, stdout, stderr, and no stderr with a tty (a terminal has a single
 * output); this record does not check either, so that the runtime's own answer reaches the caller.
 *
 * @param stdin  the client sends the process's standard input
 * @param stdout the client receives its standard output
 * @param stderr the client receives its standard error (separately)
 * @param tty    the process runs on a terminal (for attach: whether the container's process does)
 */
public record StreamFlags(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
}
