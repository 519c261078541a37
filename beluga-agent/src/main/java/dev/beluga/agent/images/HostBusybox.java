package dev.beluga.agent.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

/**
 * The host's statically linked busybox ({@code /bin/busybox} from Debian's busybox-static), read once: its bytes, its
 * architecture and its applets. Debian's other busybox package installs a dynamically linked {@code /bin/busybox},
 * which cannot run alone in an image; {@link #read} refuses it. Immutable.
 *
 * @param path         where it was read
 * @param binary       the executable (callers must not modify it)
 * @param architecture the OCI architecture of the executable
 * @param applets      the applet names it provides ({@code busybox --list}), sorted, without {@code busybox} itself
 */
record HostBusybox(Path path, byte[] binary, String architecture, List<String> applets) {
    static final Path DEFAULT_PATH = Path.of("/bin/busybox");
    static final List<String> PACKAGES = List.of("busybox-static");

    /**
     * Reads and checks the busybox at {@code path}.
     *
     * @throws MissingHostToolException when it is missing, not a static executable, or does not list its applets
     */
    static HostBusybox read(Path path) throws IOException, InterruptedException {
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new MissingHostToolException(path + " is missing (needed to build the busybox image)", PACKAGES);
        }
        byte[] binary = Files.readAllBytes(path);
        ElfExecutable elf;
        try {
            elf = ElfExecutable.inspect(binary, path.toString());
        } catch (IllegalArgumentException e) {
            throw new MissingHostToolException(e.getMessage(), PACKAGES);
        }
        if (elf.dynamic()) {
            throw new MissingHostToolException(path + " is dynamically linked (Debian's busybox package) and cannot run"
                    + " alone in an image", PACKAGES);
        }
        Command.Result list = Command.run(List.of(path.toString(), "--list"), null, Duration.ofSeconds(30));
        TreeSet<String> applets = new TreeSet<>();
        for (String line : list.stdout().split("\n")) {
            String name = line.strip();
            if (!name.isEmpty() && !name.equals("busybox")) {
                applets.add(name);
            }
        }
        if (!list.succeeded() || applets.isEmpty()) {
            throw new MissingHostToolException(path + " does not list its applets (" + list.describe() + ")", PACKAGES);
        }
        for (String applet : applets) {
            if (applet.contains("/")) {
                throw new IOException(path + " --list printed a path, not an applet name: " + applet);
            }
        }
        return new HostBusybox(path, binary, elf.architecture(), List.copyOf(applets));
    }
}
