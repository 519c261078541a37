package dev.beluga.agent.volumes;

import dev.beluga.agent.env.GoStrings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The host path of a {@code subPath} mount, as the kubelet checks it: the sub path must be relative
 * ({@code error SubPath `/x` must not be an absolute path}) and have no {@code ..} element ({@code unable to provision
 * SubPath `a/../b`: must not contain '..'}); a missing sub path is created as directories with the volume's mode,
 * never through a symbolic link that leaves the volume ({@code failed to create subPath directory for volumeMount "m"
 * of container "c"}); finally the fully resolved path must still be inside the volume ({@code failed to prepare
 * subPath for volumeMount "m" of container "c"}), which rejects links that point out of it.
 *
 * <p>The result is the resolved real path, which the runtime bind-mounts. Unlike the kubelet, which bind-mounts the
 * checked path into the pod directory first, this leaves a window between the check and the runtime's mount in which
 * a container sharing the volume could swap a directory for a link.
 */
final class SubPaths {
    private SubPaths() {
    }

    /** Checks a sub path before anything touches the disk. */
    static void validate(String subPath) throws VolumeException {
        if (subPath.startsWith("/")) throw new VolumeException("error SubPath `" + subPath + "` must not be an absolute path");
        for (String element : subPath.split("/", -1)) {
            if (element.equals("..")) throw new VolumeException("unable to provision SubPath `" + subPath + "`: must not contain '..'");
        }
    }

    static Path prepare(Path volumePath, String subPath, String mountName, String containerName) throws VolumeException {
        validate(subPath);
        String mountDesc = "volumeMount " + GoStrings.quote(mountName) + " of container " + GoStrings.quote(containerName);
        Path base;
        try {
            base = volumePath.toRealPath();
        } catch (IOException e) {
            throw new VolumeException("failed to prepare subPath for " + mountDesc);
        }
        Path full = volumePath.resolve(subPath).normalize();
        if (!Files.exists(full)) {
            try {
                makeDirs(base, subPath, FileModes.get(base));
            } catch (IOException e) {
                throw new VolumeException("failed to create subPath directory for " + mountDesc);
            }
        }
        try {
            Path real = full.toRealPath();
            if (!real.startsWith(base)) throw new VolumeException("failed to prepare subPath for " + mountDesc);
            return real;
        } catch (IOException e) {
            throw new VolumeException("failed to prepare subPath for " + mountDesc);
        }
    }

    /** Creates the missing directories of {@code relative} under {@code base}, element by element, staying inside. */
    private static void makeDirs(Path base, String relative, int mode) throws IOException {
        Path current = base;
        for (String element : relative.split("/")) {
            if (element.isEmpty() || element.equals(".")) continue;
            Path next = current.resolve(element);
            if (Files.isSymbolicLink(next)) {
                Path target = next.toRealPath();
                if (!target.startsWith(base)) throw new IOException(next + " leads out of the volume");
                next = target;
            } else if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(next);
                FileModes.set(next, mode);
            }
            if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) throw new IOException(next + " is not a directory");
            current = next;
        }
    }
}
