package dev.beluga.agent.volumes;

/**
 * The volume kinds the agent supports, with the kubelet's directory name under {@code <pod>/volumes/} for those that
 * live in the pod directory. hostPath and persistentVolumeClaim volumes (hostPath or local PersistentVolumes) are used
 * in place and have no directory of their own.
 */
public enum VolumeKind {
    EMPTY_DIR("kubernetes.io~empty-dir", false),
    CONFIG_MAP("kubernetes.io~configmap", true),
    SECRET("kubernetes.io~secret", true),
    DOWNWARD_API("kubernetes.io~downward-api", true),
    PROJECTED("kubernetes.io~projected", true),
    HOST_PATH(null, false),
    PERSISTENT_VOLUME_CLAIM(null, false);

    private final String dirName;
    private final boolean atomic;

    VolumeKind(String dirName, boolean atomic) {
        this.dirName = dirName;
        this.atomic = atomic;
    }

    /** The directory under {@code <pod>/volumes/}, or null when the volume lives outside the pod directory. */
    public String dirName() {
        return dirName;
    }

    /** Whether the content is projected with the {@link AtomicWriter} (and {@link PodVolumes#refresh refreshed}). */
    public boolean atomic() {
        return atomic;
    }
}
