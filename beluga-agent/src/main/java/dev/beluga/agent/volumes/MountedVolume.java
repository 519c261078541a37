package dev.beluga.agent.volumes;

import java.nio.file.Path;

/**
 * A volume of a pod, set up on the node: where its content is on the host and whether every mount of it is read-only
 * (configMap, secret, downwardAPI and projected volumes always are; a persistentVolumeClaim volume when the pod's
 * claim reference says {@code readOnly}).
 */
public record MountedVolume(String name, VolumeKind kind, Path hostPath, boolean readOnly) {
}
