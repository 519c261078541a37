package dev.beluga.cli;

import dev.beluga.agent.images.ImageImporter;
import dev.beluga.cli.args.Arguments;
import dev.beluga.cli.args.CliCommand;
import dev.beluga.cli.args.CommandInfo;
import dev.beluga.cri.CriClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code beluga images import FILE.tar}: loads an OCI or Docker image archive into a node's containerd (air-gapped nodes). */
final class ImagesCommand {
    static final String DESCRIPTION = "Manage the images of this node's container runtime.";

    /** The subcommands, in the order help lists them. */
    static final List<CommandInfo> SUBCOMMANDS = List.of(
        CommandInfo.command("import",
            "Import image archives (OCI layout or docker save tar) into the node's containerd, namespace k8s.io.", Import::new),
        CommandInfo.command("push",
            "Push the image of an OCI archive to a registry (OCI distribution API; no authentication).", Push::new));

    private ImagesCommand() {
    }

    static final class Import implements CliCommand {
        List<Path> files = new java.util.ArrayList<>();
        Path dataDir;
        Path socket;

        @Override
        public void declare(Arguments a) {
            a.parameters("FILE", "Archives to import.", Path::of, files::add);
            a.option("--data-dir", "DIR",
                "The server's or agent's data directory (default: /var/lib/beluga as root, ~/.beluga otherwise).",
                Path::of, v -> dataDir = v);
            a.option("--container-runtime-endpoint", "SOCKET", "The CRI socket (default: the node agent's containerd).",
                Path::of, v -> socket = v);
        }

        @Override
        public Integer call() throws Exception {
            Path sock = socket != null ? socket : defaultSocket(dataDir == null ? DataDir.defaultPath() : dataDir);
            if (!Files.exists(sock)) {
                System.err.println("beluga images import: no container runtime socket at " + sock
                    + " (is the node agent running? or pass --container-runtime-endpoint)");
                return 2;
            }
            try (CriClient cri = new CriClient(sock)) {
                ImageImporter importer = new ImageImporter(sock, cri);
                for (Path f : files) {
                    if (!Files.isReadable(f)) {
                        System.err.println("beluga images import: cannot read " + f);
                        return 2;
                    }
                    for (String name : importer.importArchive(f)) System.out.println("imported " + name);
                }
            }
            return 0;
        }

        /** The agent's containerd socket under a data directory: the agent's own dir, or a server's {@code agent/}. */
        static Path defaultSocket(Path dir) {
            Path own = dir.resolve("containerd").resolve("containerd.sock");
            return Files.exists(own) ? own : dir.resolve("agent").resolve("containerd").resolve("containerd.sock");
        }
    }

    static final class Push implements CliCommand {
        java.nio.file.Path archive;
        java.net.URI registry;
        String target;

        @Override
        public void declare(Arguments a) {
            a.parameter("FILE", "The OCI archive (as `beluga images import` takes).", Path::of, v -> archive = v);
            a.parameter("REGISTRY", "The registry, e.g. http://127.0.0.1:5000", java.net.URI::create, v -> registry = v);
            a.parameter("REPOSITORY:TAG", "Where to push it, e.g. tools/busybox:1.35", v -> target = v);
        }

        @Override
        public Integer call() throws Exception {
            int colon = target.lastIndexOf(':');
            if (colon <= 0 || target.indexOf('/', colon) >= 0) {
                System.err.println("beluga images push: give the target as REPOSITORY:TAG, got " + target);
                return 2;
            }
            String digest = new dev.beluga.agent.images.RegistryPush(registry)
                .push(archive, target.substring(0, colon), target.substring(colon + 1));
            System.out.println(target + " " + digest);
            return 0;
        }
    }
}
