package dev.beluga.cli;

import dev.beluga.agent.images.ImageImporter;
import dev.beluga.cri.CriClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code beluga images import FILE.tar}: loads an OCI or Docker image archive into a node's containerd (air-gapped nodes). */
@Command(name = "images", mixinStandardHelpOptions = true, description = "Manage the images of this node's container runtime.",
    subcommands = {ImagesCommand.Import.class, ImagesCommand.Push.class})
final class ImagesCommand implements Runnable {
    @Override
    public void run() {
        System.err.println("beluga images: name a subcommand (import)");
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import image archives (OCI layout or docker save tar) into the node's containerd, namespace k8s.io.")
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Archives to import.")
        List<Path> files;

        @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The server's or agent's data directory (default: /var/lib/beluga as root, ~/.beluga otherwise).")
        Path dataDir;

        @Option(names = "--container-runtime-endpoint", paramLabel = "SOCKET", description = "The CRI socket (default: the node agent's containerd).")
        Path socket;

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

    @Command(name = "push", mixinStandardHelpOptions = true,
        description = "Push the image of an OCI archive to a registry (OCI distribution API; no authentication).")
    static final class Push implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The OCI archive (as `beluga images import` takes).")
        java.nio.file.Path archive;

        @Parameters(index = "1", paramLabel = "REGISTRY", description = "The registry, e.g. http://127.0.0.1:5000")
        java.net.URI registry;

        @Parameters(index = "2", paramLabel = "REPOSITORY:TAG", description = "Where to push it, e.g. tools/busybox:1.35")
        String target;

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
