package dev.beluga.cri;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * The containerd 1.6 configuration ({@code config.toml}, version 2) of one Beluga node, everything under one node
 * directory so that several containerd instances (one per node, each possibly in its own network namespace) run side
 * by side on one machine without sharing state:
 *
 * <pre>
 * &lt;nodeDir&gt;/config.toml            this file
 * &lt;nodeDir&gt;/root/                  containerd root (content store, snapshots, metadata)
 * &lt;nodeDir&gt;/state/                 containerd state (tasks; pod netns files, netns_mounts_under_state_dir)
 * &lt;nodeDir&gt;/containerd.sock        the gRPC socket, CRI included   (+ containerd.sock.ttrpc)
 * &lt;nodeDir&gt;/opt/                   the opt plugin's directory (instead of /opt/containerd)
 * &lt;nodeDir&gt;/runc/                  runc's own state (its --root), separate per instance
 * &lt;nodeDir&gt;/net.d/                 CNI network config (default; see {@link Builder#cniConfDir})
 * &lt;nodeDir&gt;/certs.d/               registry host config (default; see {@link Builder#registryConfigPath})
 * </pre>
 *
 * <p>Settings that are required on these machines (see {@code docs/cri.md}):
 * <ul>
 *   <li>{@code restrict_oom_score_adj = true}: without CAP_SYS_RESOURCE runc cannot lower a process's
 *       {@code oom_score_adj} (the pause container asks for -998) and fails to start it.
 *   <li>runc with {@code SystemdCgroup = false} (cgroupfs driver; no systemd manages the node's cgroups) and its own
 *       {@code Root}, so instances do not see each other's containers.
 *   <li>the overlayfs snapshotter; the btrfs, zfs, devmapper and aufs snapshotters are disabled (they only log errors
 *       on an ordinary filesystem).
 * </ul>
 *
 * <p>Some files still land outside the node directory and cannot be moved by configuration: shim sockets under
 * {@code /run/containerd/s} and the libcni cache under {@code /var/lib/cni}.
 *
 * <p>Immutable; {@link #toToml()} is a pure function of the fields, {@link #write()} writes it to
 * {@link #configFile()}.
 */
public final class ContainerdConfig {
    /** The sandbox (pause) image Beluga nodes use unless told otherwise: a locally built image, never pulled. */
    public static final String DEFAULT_SANDBOX_IMAGE = "docker.io/library/pause:local";
    /** Where Debian's containernetworking-plugins installs the CNI plugins. */
    public static final Path DEFAULT_CNI_BIN_DIR = Path.of("/usr/lib/cni");
    /** Longest unix socket path Linux accepts (sun_path is 108 bytes including the terminating NUL). */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private final Path nodeDir;
    private final String sandboxImage;
    private final Path cniBinDir;
    private final Path cniConfDir;
    private final Path registryConfigPath;

    private ContainerdConfig(Builder b) {
        this.nodeDir = b.nodeDir.toAbsolutePath().normalize();
        this.sandboxImage = b.sandboxImage;
        this.cniBinDir = b.cniBinDir.toAbsolutePath().normalize();
        this.cniConfDir = (b.cniConfDir != null ? b.cniConfDir : nodeDir.resolve("net.d")).toAbsolutePath().normalize();
        this.registryConfigPath = (b.registryConfigPath != null ? b.registryConfigPath : nodeDir.resolve("certs.d"))
                .toAbsolutePath().normalize();
        int socketBytes = socket().toString().getBytes(StandardCharsets.UTF_8).length + ".ttrpc".length();
        if (socketBytes > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("node directory " + nodeDir + " is too long for a unix socket path ("
                    + socket() + ".ttrpc is " + socketBytes + " bytes, at most " + MAX_SOCKET_PATH_BYTES + ")");
        }
    }

    /** A builder for the node directory {@code nodeDir} (made absolute). */
    public static Builder builder(Path nodeDir) {
        return new Builder(nodeDir);
    }

    /** The node directory everything lives under. */
    public Path nodeDir() {
        return nodeDir;
    }

    /** {@code <nodeDir>/config.toml}. */
    public Path configFile() {
        return nodeDir.resolve("config.toml");
    }

    /** containerd's gRPC socket, which serves CRI: {@code <nodeDir>/containerd.sock}. */
    public Path socket() {
        return nodeDir.resolve("containerd.sock");
    }

    public Path root() {
        return nodeDir.resolve("root");
    }

    public Path state() {
        return nodeDir.resolve("state");
    }

    /** runc's state directory (its {@code --root}). */
    public Path runcRoot() {
        return nodeDir.resolve("runc");
    }

    public String sandboxImage() {
        return sandboxImage;
    }

    public Path cniBinDir() {
        return cniBinDir;
    }

    public Path cniConfDir() {
        return cniConfDir;
    }

    public Path registryConfigPath() {
        return registryConfigPath;
    }

    /** The config file's text. */
    public String toToml() {
        String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
        return String.join("\n",
                "# Generated by Beluga (dev.beluga.cri.ContainerdConfig) for one node; do not edit.",
                "version = 2",
                "root = " + str(root()),
                "state = " + str(state()),
                "disabled_plugins = [\"io.containerd.snapshotter.v1.btrfs\", \"io.containerd.snapshotter.v1.zfs\","
                        + " \"io.containerd.snapshotter.v1.devmapper\", \"io.containerd.snapshotter.v1.aufs\"]",
                "",
                "[grpc]",
                "  address = " + str(socket()),
                "",
                "[ttrpc]",
                "  address = " + str(Path.of(socket() + ".ttrpc")),
                "",
                "[plugins.\"io.containerd.internal.v1.opt\"]",
                "  path = " + str(nodeDir.resolve("opt")),
                "",
                "[" + cri + "]",
                "  sandbox_image = " + str(sandboxImage),
                "  stream_server_address = \"127.0.0.1\"",
                "  stream_server_port = \"0\"",
                "  # pod network namespaces under state/, not the machine-wide /var/run/netns",
                "  netns_mounts_under_state_dir = true",
                "  # runc may not lower oom_score_adj without CAP_SYS_RESOURCE",
                "  restrict_oom_score_adj = true",
                "",
                "[" + cri + ".containerd]",
                "  snapshotter = \"overlayfs\"",
                "  default_runtime_name = \"runc\"",
                "",
                "[" + cri + ".containerd.runtimes.runc]",
                "  runtime_type = \"io.containerd.runc.v2\"",
                "",
                "[" + cri + ".containerd.runtimes.runc.options]",
                "  SystemdCgroup = false",
                "  Root = " + str(runcRoot()),
                "",
                "[" + cri + ".cni]",
                "  bin_dir = " + str(cniBinDir),
                "  conf_dir = " + str(cniConfDir),
                "  max_conf_num = 1",
                "",
                "[" + cri + ".registry]",
                "  config_path = " + str(registryConfigPath),
                "");
    }

    /**
     * Creates the node directory and its root, state, opt, runc, CNI config and registry config directories when
     * missing, and writes {@link #configFile()} atomically, replacing an existing one. Returns the config file.
     */
    public Path write() throws IOException {
        Files.createDirectories(nodeDir);
        for (Path dir : new Path[] {root(), state(), nodeDir.resolve("opt"), runcRoot(), cniConfDir, registryConfigPath}) {
            Files.createDirectories(dir);
        }
        Path tmp = nodeDir.resolve("config.toml.tmp");
        Files.writeString(tmp, toToml(), StandardCharsets.UTF_8);
        Files.move(tmp, configFile(), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        return configFile();
    }

    private static String str(Path p) {
        return str(p.toString());
    }

    /** A TOML basic string: quotes, backslashes and control characters escaped. */
    static String str(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04X", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    @Override
    public String toString() {
        return "ContainerdConfig[" + nodeDir + "]";
    }

    /** Builder; only the node directory is required. */
    public static final class Builder {
        private final Path nodeDir;
        private String sandboxImage = DEFAULT_SANDBOX_IMAGE;
        private Path cniBinDir = DEFAULT_CNI_BIN_DIR;
        private Path cniConfDir;
        private Path registryConfigPath;

        private Builder(Path nodeDir) {
            this.nodeDir = Objects.requireNonNull(nodeDir, "nodeDir");
        }

        /** The pause image of every sandbox (default {@value ContainerdConfig#DEFAULT_SANDBOX_IMAGE}). */
        public Builder sandboxImage(String image) {
            this.sandboxImage = Objects.requireNonNull(image, "image");
            return this;
        }

        /** Directory of the CNI plugin binaries (default {@code /usr/lib/cni}). */
        public Builder cniBinDir(Path dir) {
            this.cniBinDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Directory of the CNI network config; containerd uses its first file (default {@code <nodeDir>/net.d}). */
        public Builder cniConfDir(Path dir) {
            this.cniConfDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * containerd's registry {@code config_path}: a directory of {@code <host>/hosts.toml} files (mirrors, plain HTTP
         * registries); default {@code <nodeDir>/certs.d}. Several nodes may share one.
         */
        public Builder registryConfigPath(Path dir) {
            this.registryConfigPath = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** @throws IllegalArgumentException when the socket path would be too long for a unix socket */
        public ContainerdConfig build() {
            return new ContainerdConfig(this);
        }
    }
}
