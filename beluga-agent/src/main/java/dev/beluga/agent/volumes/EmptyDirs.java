package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.Quantity;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * emptyDir volumes: a directory {@code <pod>/volumes/kubernetes.io~empty-dir/<name>} with mode 0777 on the node's
 * disk, or, for {@code medium: Memory}, a tmpfs mounted there (size {@code sizeLimit} when set, else the kernel's
 * default of half the RAM; the kubelet would also cap it by the pod's memory limit). Other media fail with
 * {@code unknown storage medium "M"} (HugePages media are not supported here). Idempotent: an existing directory or
 * tmpfs is kept with its content.
 */
final class EmptyDirs {
    private EmptyDirs() {
    }

    static void setUp(Path dir, EmptyDirVolumeSource source, Mounter mounter) throws VolumeException, IOException {
        String medium = source.getMedium() == null ? "" : source.getMedium();
        if (!medium.isEmpty() && !medium.equals("Memory")) {
            throw new VolumeException("unknown storage medium \"" + medium + "\"");
        }
        Files.createDirectories(dir);
        if (medium.equals("Memory") && !mounter.isMountPoint(dir)) {
            mounter.mountTmpfs(dir, sizeBytes(source.getSizeLimit()));
        }
        if (FileModes.get(dir) != 0777) FileModes.set(dir, 0777);
    }

    static OptionalLong sizeBytes(Quantity limit) {
        if (limit == null || limit.getAmount() == null || limit.getAmount().isEmpty()) return OptionalLong.empty();
        BigDecimal bytes = Quantity.getAmountInBytes(limit);
        if (bytes.signum() <= 0) return OptionalLong.empty();
        return OptionalLong.of(bytes.setScale(0, java.math.RoundingMode.CEILING).longValueExact());
    }
}
