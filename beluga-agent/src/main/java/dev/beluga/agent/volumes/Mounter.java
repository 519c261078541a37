package dev.beluga.agent.volumes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The mount operations volumes need: tmpfs for {@code emptyDir} with {@code medium: Memory} and unmounting at
 * teardown. {@link SystemMounter} runs {@code mount}/{@code umount} (root only); tests may substitute. Implementations
 * are safe for concurrent use.
 */
public interface Mounter {
    /** Mounts a new tmpfs on {@code target} (an existing directory), limited to {@code sizeBytes} when given. */
    void mountTmpfs(Path target, OptionalLong sizeBytes) throws IOException;

    void unmount(Path target) throws IOException;

    /** Mount points at or beneath {@code dir}, deepest first. */
    List<Path> mountPointsUnder(Path dir) throws IOException;

    default boolean isMountPoint(Path p) throws IOException {
        Path real = SystemMounter.real(p);
        return mountPointsUnder(real).contains(real);
    }
}
