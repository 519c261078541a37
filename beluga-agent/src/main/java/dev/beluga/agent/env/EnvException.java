package dev.beluga.agent.env;

/**
 * The environment of a container cannot be made; the message is the kubelet's for the same cause (for example
 * {@code configmap "x" not found} or {@code couldn't find key k in ConfigMap ns/x}). The agent reports it as the
 * container's waiting state with reason {@link #REASON} and retries on its next sync, as the kubelet does.
 */
public final class EnvException extends Exception {
    /** The waiting reason the kubelet gives a container whose configuration cannot be made. */
    public static final String REASON = "CreateContainerConfigError";

    public EnvException(String message) {
        super(message);
    }
}
