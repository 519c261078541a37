package dev.beluga.agent.volumes;

import java.nio.file.Path;

/**
 * The kubelet's per-pod layout under the agent's root directory:
 * <pre>
 * &lt;root&gt;/pods/&lt;uid&gt;/
 *     etc-hosts                                       the managed /etc/hosts ({@link EtcHosts})
 *     volumes/kubernetes.io~empty-dir/&lt;volume&gt;/      and ~configmap, ~secret, ~downward-api, ~projected
 * </pre>
 * Pod UIDs and volume names must be single path segments (not empty, no {@code /}, not {@code .} or {@code ..}), so
 * no path built here leaves the pod's directory. Immutable.
 */
public final class PodDirs {
    private final Path root;

    public PodDirs(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path podDir(String podUid) {
        return root.resolve("pods").resolve(segment(podUid, "pod UID"));
    }

    public Path volumesDir(String podUid) {
        return podDir(podUid).resolve("volumes");
    }

    /** The directory of a volume of a kind that lives in the pod directory. */
    public Path volumeDir(String podUid, VolumeKind kind, String volumeName) {
        if (kind.dirName() == null) throw new IllegalArgumentException(kind + " volumes have no directory in the pod directory");
        return volumesDir(podUid).resolve(kind.dirName()).resolve(segment(volumeName, "volume name"));
    }

    public Path etcHosts(String podUid) {
        return podDir(podUid).resolve("etc-hosts");
    }

    static String segment(String s, String what) {
        if (s == null || s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid " + what + ": " + s);
        }
        return s;
    }
}
