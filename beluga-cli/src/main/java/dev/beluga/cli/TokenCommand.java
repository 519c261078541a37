package dev.beluga.cli;

import dev.beluga.cli.args.Arguments;
import dev.beluga.cli.args.CliCommand;
import dev.beluga.pki.NodeToken;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code beluga token}: prints the server's node join token ({@code DATA/server/node-token}, made at the server's first
 * start), which agents join with: {@code beluga agent --server https://HOST:6443 --token TOKEN}.
 */
final class TokenCommand implements CliCommand {
    static final String DESCRIPTION = "Print the node join token of the server in the data directory (for beluga agent --token).";

    Path dataDir;

    @Override
    public void declare(Arguments a) {
        a.option("--data-dir", "DIR", "The server's data directory (default: /var/lib/beluga as root, ~/.beluga otherwise).",
            Path::of, v -> dataDir = v);
    }

    @Override
    public Integer call() {
        Path dir = dataDir == null ? DataDir.defaultPath() : dataDir;
        Path file = dir.resolve(ServerCommand.NODE_TOKEN_FILE);
        if (!Files.exists(file)) {
            System.err.println("beluga token: no node token in " + file + ": `beluga server --data-dir " + dir + "` makes it at its first start");
            return 1;
        }
        try {
            NodeToken token = NodeToken.parse(Files.readString(file));
            System.out.println(token.text());
            return 0;
        } catch (IOException e) {
            System.err.println("beluga token: cannot read " + file + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            System.err.println("beluga token: " + file + " does not hold a join token: " + e.getMessage());
            return 1;
        }
    }
}
