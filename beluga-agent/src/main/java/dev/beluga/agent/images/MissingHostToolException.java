package dev.beluga.agent.images;

import java.io.IOException;
import java.util.List;

/**
 * A program or file the node needs from the host is missing or unusable (gcc, the static C library, busybox-static,
 * ctr). The message names the Debian packages that provide it, and {@link #packages()} lists them.
 */
public final class MissingHostToolException extends IOException {
    private final List<String> packages;

    MissingHostToolException(String problem, List<String> packages) {
        super(problem + ": install the Debian package" + (packages.size() == 1 ? " " : "s ") + String.join(", ", packages)
                + " (apt-get install " + String.join(" ", packages) + "; scripts/install-deps does)");
        this.packages = List.copyOf(packages);
    }

    /** The Debian packages that provide what is missing. */
    public List<String> packages() {
        return packages;
    }
}
