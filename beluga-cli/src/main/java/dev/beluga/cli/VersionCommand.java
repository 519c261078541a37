package dev.beluga.cli;

import picocli.CommandLine.Command;

/** {@code beluga version}. */
@Command(name = "version", description = "Print the version of Beluga.")
final class VersionCommand implements Runnable {
    @Override
    public void run() {
        for (String line : new BelugaVersion().getVersion()) System.out.println(line);
    }
}
