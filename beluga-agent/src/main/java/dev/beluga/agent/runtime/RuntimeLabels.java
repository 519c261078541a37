package dev.beluga.agent.runtime;

/**
 * The labels and annotations the agent puts on CRI sandboxes and containers, so that it can find a pod's runtime
 * objects again after any restart (the same keys as upstream's kubelet, so tools such as crictl show them as usual).
 */
public final class RuntimeLabels {
    public static final String POD_NAME = "io.kubernetes.pod.name";
    public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String POD_UID = "io.kubernetes.pod.uid";
    public static final String CONTAINER_NAME = "io.kubernetes.container.name";
    /** Annotation: hash of the container's spec; a changed hash means the container must be recreated. */
    public static final String CONTAINER_HASH = "io.kubernetes.container.hash";
    public static final String RESTART_COUNT = "io.kubernetes.container.restartCount";
    public static final String TERMINATION_MESSAGE_PATH = "io.kubernetes.container.terminationMessagePath";
    public static final String TERMINATION_MESSAGE_POLICY = "io.kubernetes.container.terminationMessagePolicy";
    /** Annotation: "init" for init containers, "app" for regular ones. */
    public static final String CONTAINER_KIND = "beluga.dev/container-kind";
    /** Annotation: the host file mounted at the termination message path. */
    public static final String TERMINATION_MESSAGE_HOST_PATH = "beluga.dev/termination-message-host-path";

    private RuntimeLabels() {}
}
