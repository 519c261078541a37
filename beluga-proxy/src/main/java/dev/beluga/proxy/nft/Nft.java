package dev.beluga.proxy.nft;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code nft} command (Debian package nftables) in the process's network namespace. A script given to
 * {@link #apply} is one netlink transaction: it takes effect entirely or not at all.
 */
public final class Nft {
    private final String binary;
    private final List<String> prefix;

    Nft(String binary, List<String> prefix) {
        this.binary = binary;
        this.prefix = List.copyOf(prefix);
    }

    /** The same command run behind {@code prefix} (e.g. {@code ip netns exec NAME}). */
    Nft withPrefix(List<String> prefix) {
        return new Nft(binary, prefix);
    }

    /** {@code nft} from PATH or /usr/sbin; null when not installed. */
    public static Nft find() {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            java.nio.file.Path p = java.nio.file.Path.of(dir, "nft");
            if (java.nio.file.Files.isExecutable(p)) return new Nft(p.toString(), List.of());
        }
        return null;
    }

    /** Applies {@code script} atomically ({@code nft -f -}); throws with nft's error output when it is refused. */
    public void apply(String script) throws IOException, InterruptedException {
        run(script, "-f", "-");
    }

    /** Runs {@code nft args...} and returns its standard output. */
    String run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(prefix);
        cmd.add(binary);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("nft timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            String msg = text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
            throw new IOException("nft " + String.join(" ", args) + " failed: " + msg.strip());
        }
        return text;
    }
}
