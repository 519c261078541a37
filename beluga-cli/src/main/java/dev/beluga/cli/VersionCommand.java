package dev.beluga.cli;

import dev.beluga.cli.args.CliCommand;

/** {@code beluga version}. */
final class VersionCommand implements CliCommand {
    static final String DESCRIPTION = "Print the version of Beluga.";

    @Override
    public Integer call() {
        for (String line : BelugaVersion.lines()) System.out.println(line);
        return 0;
    }
}
