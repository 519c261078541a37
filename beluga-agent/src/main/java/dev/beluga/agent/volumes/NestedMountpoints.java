package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Mount point directories inside read-only volumes (the kubelet's MakeNestedMountpoints): when a container mounts
 * volume A at {@code /etc/app} and another volume at {@code /etc/app/tls}, the runtime must find {@code tls} inside A,
 * which it cannot create through A's read-only bind mount; so {@code tls} is created (0755) in A's directory before the
 * container starts. Only the first level of nesting below each mount of A is made; existing entries (including
 * links to projected files) are left alone. A mount path starting with {@code ../} is an error
 * ({@code invalid container mount point P}).
 */
final class NestedMountpoints {
    private NestedMountpoints() {
    }

    static void make(Pod pod, String volumeName, Path volumeDir) throws VolumeException, IOException {
        for (String rel : nested(pod, volumeName)) {
            Path current = volumeDir;
            for (String element : rel.split("/")) {
                Path next = current.resolve(element);
                if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(next);
                    FileModes.set(next, 0755);
                } else if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
                    break; // a projected file or link has this name: nothing to make
                }
                current = next;
            }
        }
    }

    /** The nested mount points beneath the mounts of {@code volumeName}, relative to the volume. */
    static List<String> nested(Pod pod, String volumeName) throws VolumeException {
        List<String> out = new ArrayList<>();
        for (List<VolumeMount> mounts : containersMounts(pod)) {
            List<String> all = mounts.stream().map(m -> clean(m.getMountPath())).sorted().toList();
            for (VolumeMount mine : mounts) {
                if (!volumeName.equals(mine.getName())) continue;
                String p = clean(mine.getMountPath());
                if (p.startsWith("../")) throw new VolumeException("invalid container mount point " + p);
                String prefix = p.endsWith("/") ? p : p + "/";
                String previous = null;
                for (String mp : all) {
                    if (!mp.startsWith(prefix)) continue;
                    if (previous != null && mp.startsWith(previous)) continue; // beneath an earlier nested one
                    previous = mp + "/";
                    String rel = mp.substring(prefix.length());
                    if (!out.contains(rel)) out.add(rel);
                }
            }
        }
        return out;
    }

    private static List<List<VolumeMount>> containersMounts(Pod pod) {
        var spec = pod.getSpec();
        Stream<List<VolumeMount>> regular = Stream.concat(list(spec.getInitContainers()).stream(), list(spec.getContainers()).stream())
            .map(Container::getVolumeMounts);
        Stream<List<VolumeMount>> ephemeral = list(spec.getEphemeralContainers()).stream().map(c -> c.getVolumeMounts());
        return Stream.concat(regular, ephemeral).map(NestedMountpoints::list).toList();
    }

    private static String clean(String path) {
        String p = path == null ? "" : path;
        String cleaned = AtomicWriter.clean(p);
        return p.startsWith("/") ? "/" + cleaned : cleaned;
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
